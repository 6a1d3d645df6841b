/// A cron expression or periodic job declaration that cannot be used, with a message naming what is wrong.
///
/// The message quotes at most a short, sanitised piece of the input.
public struct CronSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One line for operators (`blueprint check-config`, the start-up error).
    public let message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }

    /// At most 32 printable ASCII characters of `text`, for echoing in a message.
    static func quote(_ text: some StringProtocol) -> String {
        let scalars = text.unicodeScalars.prefix(32).map {
            $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?"
        }
        return "'" + String(String.UnicodeScalarView(scalars)) + (text.unicodeScalars.count > 32 ? "...'" : "'")
    }
}
