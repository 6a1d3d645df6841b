import Foundation
import NIOHTTP1
import OutboundHTTP

/// NHN Cloud Notification SMS API v3.0.
///
/// ```
/// POST {base}/sms/v3.0/appKeys/{appKey}/sender/sms     (LMS: .../sender/mms, with "title")
/// X-Secret-Key: {secretKey}
/// Content-Type: application/json;charset=UTF-8
/// {"body":"...","sendNo":"0212345678","recipientList":[{"recipientNo":"01012345678"}]}
/// ```
/// The answer is HTTP 200 even for refusals: `header.isSuccessful` and each recipient's
/// `resultCode` (0 = accepted) decide. Numbers are national (`010...`); other countries are refused.
public struct NHNCloudSMSProvider: SMSProvider {
    public var name: String { "nhn" }
    public let baseURL: URL
    public let appKey: String
    /// Never logged.
    let secretKey: String
    /// The registered caller number (`sendNo`).
    public let sender: String
    let http: OutboundHTTPClient
    /// Deadline of one request.
    public var timeout: Duration = .seconds(10)

    public static let defaultBaseURL = URL(string: "https://api-sms.cloud.toast.com")!

    public init(baseURL: URL = Self.defaultBaseURL, appKey: String, secretKey: String, sender: String, http: OutboundHTTPClient) {
        self.baseURL = baseURL
        self.appKey = appKey
        self.secretKey = secretKey
        self.sender = sender
        self.http = http
    }

    struct Body: Encodable {
        struct Recipient: Encodable { let recipientNo: String }
        let title: String?
        let body: String
        let sendNo: String
        let recipientList: [Recipient]
    }

    struct Answer: Decodable {
        struct Header: Decodable {
            let isSuccessful: Bool
            let resultCode: Int
            let resultMessage: String
        }
        struct Data: Decodable {
            struct Result: Decodable {
                let resultCode: Int
                let resultMessage: String
            }
            let requestId: String?
            let sendResultList: [Result]?
        }
        struct Payload: Decodable { let data: Data? }
        let header: Header
        let body: Payload?
    }

    public func send(_ message: SMSMessage) async throws(SMSProviderError) -> SMSReceipt {
        guard let national = message.to.national else { throw .refused("NHN Cloud SMS sends to Korean numbers only") }
        let path = message.kind == .sms ? "sms" : "mms"
        let url = self.baseURL.appendingPathComponent("sms/v3.0/appKeys/\(self.appKey)/sender/\(path)")
        let body = Body(
            title: message.kind == .lms ? (message.subject ?? "") : nil, body: message.text, sendNo: self.sender,
            recipientList: [.init(recipientNo: national)])
        let request = OutboundRequest(
            method: .POST, url: url.absoluteString,
            headers: ["Content-Type": "application/json;charset=UTF-8", "X-Secret-Key": self.secretKey],
            body: .init(bytes: (try? JSONEncoder().encode(body)) ?? Data()), timeout: self.timeout)
        let response = try await self.http.sendSMSRequest(request)
        guard response.isSuccess else {
            throw .http(status: response.status, detail: response.text, retryAfter: response.retryAfter)
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.bytes)) else {
            throw .unavailable("NHN Cloud answered with an unreadable body", retryAfter: nil)
        }
        guard answer.header.isSuccessful else {
            throw .refused("NHN Cloud refused: \(answer.header.resultCode) \(PhoneDigits.mask(answer.header.resultMessage))")
        }
        if let result = answer.body?.data?.sendResultList?.first, result.resultCode != 0 {
            throw .refused("NHN Cloud refused the recipient: \(result.resultCode) \(PhoneDigits.mask(result.resultMessage))")
        }
        return SMSReceipt(message_id: answer.body?.data?.requestId ?? "", provider: self.name, kind: message.kind)
    }
}
