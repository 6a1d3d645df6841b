/// Why a phone number was refused (never contains the number).
public struct PhoneNumberError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { self.message }
}
