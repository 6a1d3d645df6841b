import Crypto
import Foundation
import NIOHTTP1
import OutboundHTTP

/// Solapi messages API v4 with HMAC-SHA256 authentication.
///
/// ```
/// POST {base}/messages/v4/send
/// Authorization: HMAC-SHA256 apiKey={key}, date={ISO 8601}, salt={random hex}, signature={hex}
/// Content-Type: application/json
/// {"message":{"to":"01012345678","from":"0212345678","text":"...","type":"SMS"}}   (LMS: "subject")
/// ```
/// `signature` = hex(HMAC-SHA256(key: apiSecret, message: date + salt)). A fresh salt per request
/// makes each signature single-use; the date bounds replay (Solapi allows 15 minutes of skew).
public struct SolapiSMSProvider: SMSProvider {
    public var name: String { "solapi" }
    public let baseURL: URL
    public let apiKey: String
    /// Never logged.
    let apiSecret: String
    public let sender: String
    let http: OutboundHTTPClient
    /// Deadline of one request.
    public var timeout: Duration = .seconds(10)
    /// Wall clock, injected in tests.
    public var now: @Sendable () -> Date = { Date() }

    public static let defaultBaseURL = URL(string: "https://api.solapi.com")!

    public init(baseURL: URL = Self.defaultBaseURL, apiKey: String, apiSecret: String, sender: String, http: OutboundHTTPClient) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.sender = sender
        self.http = http
    }

    /// The `Authorization` header value for `date` and `salt`.
    public static func authorization(apiKey: String, apiSecret: String, date: String, salt: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data((date + salt).utf8), using: SymmetricKey(data: Data(apiSecret.utf8)))
        let signature = mac.map { String(format: "%02x", $0) }.joined()
        return "HMAC-SHA256 apiKey=\(apiKey), date=\(date), salt=\(salt), signature=\(signature)"
    }

    struct Body: Encodable {
        struct Message: Encodable {
            let to: String
            let from: String
            let text: String
            let type: String
            let subject: String?
        }
        let message: Message
    }

    struct Answer: Decodable {
        let messageId: String?
        let groupId: String?
        let statusCode: String?
        let statusMessage: String?
    }

    struct ErrorAnswer: Decodable {
        let errorCode: String?
        let errorMessage: String?
    }

    public func send(_ message: SMSMessage) async throws(SMSProviderError) -> SMSReceipt {
        guard let national = message.to.national else { throw .refused("Solapi sends to Korean numbers only in this worker") }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = formatter.string(from: self.now())
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let body = Body(message: .init(to: national, from: self.sender, text: message.text, type: message.kind.rawValue,
                                       subject: message.kind == .lms ? message.subject : nil))
        let request = OutboundRequest(
            method: .POST, url: self.baseURL.appendingPathComponent("messages/v4/send").absoluteString,
            headers: [
                "Authorization": Self.authorization(apiKey: self.apiKey, apiSecret: self.apiSecret, date: date, salt: salt),
                "Content-Type": "application/json",
            ],
            body: .init(bytes: (try? JSONEncoder().encode(body)) ?? Data()), timeout: self.timeout)
        let response = try await self.http.sendSMSRequest(request)
        guard response.isSuccess else {
            let error = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(response.bytes))
            let detail = error.map { "\($0.errorCode ?? "") \($0.errorMessage ?? "")" } ?? String(decoding: response.bytes.prefix(200), as: UTF8.self)
            throw .http(status: response.status, detail: detail, retryAfter: response.retryAfter)
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.bytes))
        if let code = answer?.statusCode, !code.hasPrefix("2") {
            throw .refused("Solapi refused: \(code) \(PhoneDigits.mask(answer?.statusMessage ?? ""))")
        }
        return SMSReceipt(message_id: answer?.messageId ?? answer?.groupId ?? "", provider: self.name, kind: message.kind)
    }
}
