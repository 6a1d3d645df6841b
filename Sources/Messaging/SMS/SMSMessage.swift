/// One text message to send.
public struct SMSMessage: Sendable {
    public let to: PhoneNumber
    public let text: String
    /// SMS or LMS by EUC-KR length.
    public let kind: SMSKind
    /// LMS title (providers show it above the text); ignored for SMS.
    public let subject: String?

    public init(to: PhoneNumber, text: String, subject: String? = nil) {
        self.to = to
        self.text = text
        self.kind = SMSEncoding.kind(of: text)
        self.subject = subject
    }
}
