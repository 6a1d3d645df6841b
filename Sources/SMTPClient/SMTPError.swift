import SMTPProtocol

/// A failure to deliver through SMTP, classified for retry decisions.
///
/// - ``isTransient``: worth retrying later (4xx replies, connection failures, timeouts).
/// - ``isConnectionFailure``: the relay itself is unreachable or broken; counts against the SMTP
///   circuit breaker.
/// - otherwise permanent: 5xx replies (with the server's text), unsupported requirements.
///
/// Messages never contain addresses, credentials or message content.
/// Compare failures by ``code`` (`error.code == .closed`), never by their text: ``message`` is
/// for people and may change.
public struct SMTPError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure, for code that must tell failures apart (and for metric labels).
    ///
    /// A struct with static members rather than a public enum, so new kinds can be added without
    /// breaking exhaustive `switch`es in other modules.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case connect, timeout, closed, tls, protocolViolation, reply
            case unsupported, configuration, messageTooLarge, invalidMessage
        }

        fileprivate let base: Base

        /// The TCP connection could not be made.
        public static let connect = Self(base: .connect)
        /// No reply within the per-command timeout.
        public static let timeout = Self(base: .timeout)
        /// The server closed the connection.
        public static let closed = Self(base: .closed)
        /// TLS could not be set up.
        public static let tls = Self(base: .tls)
        /// The server's bytes are not SMTP.
        public static let protocolViolation = Self(base: .protocolViolation)
        /// A negative reply (see ``SMTPError/reply``).
        public static let reply = Self(base: .reply)
        /// The server lacks something the message needs.
        public static let unsupported = Self(base: .unsupported)
        /// Invalid client settings.
        public static let configuration = Self(base: .configuration)
        /// The message is larger than the server's SIZE.
        public static let messageTooLarge = Self(base: .messageTooLarge)
        /// The message could not be built.
        public static let invalidMessage = Self(base: .invalidMessage)

        /// A stable name (`closed`, `tls`), safe for metric labels.
        public var description: String { self.base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, safe for logs and dead letters.
    public let message: String
    /// The server's reply, when the failure is a negative reply.
    public let reply: SMTPReply?

    private init(_ code: Code.Base, _ message: String, reply: SMTPReply? = nil) {
        self.code = Code(base: code)
        self.message = message
        self.reply = reply
    }

    /// The TCP connection could not be made.
    public static func connect(_ message: String) -> Self { Self(.connect, "cannot connect to the SMTP server: \(message)") }
    /// No reply within the per-command timeout.
    public static func timeout(_ command: String) -> Self { Self(.timeout, "SMTP server did not answer \(command) in time") }
    /// The server closed the connection.
    public static let closed = Self(.closed, "SMTP connection closed by the server")
    /// TLS could not be set up (handshake, certificate verification, STARTTLS not offered).
    public static func tls(_ message: String) -> Self { Self(.tls, "SMTP TLS failed: \(message)") }
    /// The server's bytes are not SMTP.
    public static func protocolViolation(_ message: String) -> Self { Self(.protocolViolation, "SMTP protocol error: \(message)") }
    /// A negative reply to `command`.
    public static func reply(_ reply: SMTPReply, to command: String) -> Self {
        Self(.reply, "SMTP server answered \(command) with \(MailAddress.maskAddresses(in: reply.description))", reply: reply)
    }
    /// The server lacks something the message needs (SMTPUTF8, an AUTH mechanism).
    public static func unsupported(_ message: String) -> Self { Self(.unsupported, message) }
    /// Invalid client settings.
    public static func configuration(_ message: String) -> Self { Self(.configuration, "invalid SMTP settings: \(message)") }
    /// The message is larger than the server's SIZE.
    public static func messageTooLarge(size: Int, limit: Int) -> Self {
        Self(.messageTooLarge, "message of \(size) bytes exceeds the server's limit of \(limit) bytes")
    }
    /// The message could not be built (header injection, invalid address).
    public static func invalidMessage(_ error: SMTPProtocolError) -> Self { Self(.invalidMessage, error.message) }

    /// Whether retrying later may succeed.
    public var isTransient: Bool {
        switch self.code.base {
        case .connect, .timeout, .closed, .tls, .protocolViolation: true
        case .reply: self.reply?.isTransientNegative ?? true
        case .unsupported, .configuration, .messageTooLarge, .invalidMessage: false
        }
    }

    /// Whether the relay is unreachable or misbehaving (feeds the SMTP circuit breaker).
    public var isConnectionFailure: Bool {
        switch self.code.base {
        case .connect, .timeout, .closed, .tls, .protocolViolation: true
        case .reply: self.reply?.code == 421
        default: false
        }
    }

    /// A stable label for metrics (`reply_4xx`, `timeout`).
    public var shortDescription: String {
        if self.code == .reply, let reply { return "reply_\(reply.code / 100)xx" }
        return self.code.description
    }

    public var description: String { self.message }
}
