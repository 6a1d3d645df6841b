import Foundation
import NIOHTTP1
import OutboundHTTP

/// Twilio Programmable Messaging.
///
/// ```
/// POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
/// Authorization: Basic base64(AccountSid:AuthToken)
/// Content-Type: application/x-www-form-urlencoded
/// To=%2B821012345678&From=%2B15005550006&Body=...
/// ```
/// Numbers are E.164. Twilio splits long texts itself; SMS/LMS only labels the result.
public struct TwilioSMSProvider: SMSProvider {
    public var name: String { "twilio" }
    public let baseURL: URL
    public let accountSID: String
    /// Never logged.
    let authToken: String
    /// E.164 sender (`+15005550006`) or a messaging service SID (`MG...`).
    public let sender: String
    let http: OutboundHTTPClient
    /// Deadline of one request.
    public var timeout: Duration = .seconds(10)

    public static let defaultBaseURL = URL(string: "https://api.twilio.com")!

    public init(baseURL: URL = Self.defaultBaseURL, accountSID: String, authToken: String, sender: String, http: OutboundHTTPClient) {
        self.baseURL = baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.sender = sender
        self.http = http
    }

    struct Answer: Decodable {
        let sid: String?
        let status: String?
    }

    struct ErrorAnswer: Decodable {
        let code: Int?
        let message: String?
    }

    /// `application/x-www-form-urlencoded` encoding (RFC 3986 unreserved characters kept).
    static func formEncode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    public func send(_ message: SMSMessage) async throws(SMSProviderError) -> SMSReceipt {
        let url = self.baseURL.appendingPathComponent("2010-04-01/Accounts/\(self.accountSID)/Messages.json")
        let credentials = Data("\(self.accountSID):\(self.authToken)".utf8).base64EncodedString()
        let senderField = self.sender.hasPrefix("MG") ? "MessagingServiceSid" : "From"
        let form = Self.formEncode([("To", message.to.e164), (senderField, self.sender), ("Body", message.text)])
        let request = OutboundRequest(
            method: .POST, url: url.absoluteString,
            headers: ["Authorization": "Basic \(credentials)", "Content-Type": "application/x-www-form-urlencoded"],
            text: form, timeout: self.timeout)
        let response = try await self.http.sendSMSRequest(request)
        guard response.isSuccess else {
            let error = try? JSONDecoder().decode(ErrorAnswer.self, from: Data(response.bytes))
            throw .http(status: response.status, detail: "\(error?.code.map(String.init) ?? "") \(error?.message ?? "")",
                        retryAfter: response.retryAfter)
        }
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.bytes))
        return SMSReceipt(message_id: answer?.sid ?? "", provider: self.name, kind: message.kind)
    }
}
