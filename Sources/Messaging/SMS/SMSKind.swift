/// A short (SMS, 90 bytes) or long (LMS) text message.
public enum SMSKind: String, Sendable, Encodable {
    case sms = "SMS"
    case lms = "LMS"
}
