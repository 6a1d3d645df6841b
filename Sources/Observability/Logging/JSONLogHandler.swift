import Foundation
import Logging
import NIOConcurrencyHelpers

/// A `LogHandler` writing one JSON object per line: `level`, `timestamp` (ISO 8601 UTC),
/// `message`, `label`, and every metadata value as a top-level string field (`worker`,
/// `job_id`, `job_type`, `queue`, `attempt`, `duration_ms`, `status`, `error`...).
///
/// Values pass through the handler's redaction first (the PII redactor, which also masks every
/// resolved secret), so email addresses and phone numbers are masked even if a message or error
/// carries one. The executable bootstraps it; libraries only take a `Logger`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: JSONLogOutput
    private let redact: @Sendable (String) -> String

    /// - Parameters:
    ///   - output: where lines go (standard error by default: written by a background thread).
    ///   - redact: masks personal data and secrets in the message and every value.
    public init(label: String, output: JSONLogOutput = .standardError, redact: @escaping @Sendable (String) -> String = { $0 }) {
        self.label = label
        self.output = output
        self.redact = redact
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: String] = [:]
        for (key, value) in self.metadata { fields[key] = "\(value)" }
        if let provided = self.metadataProvider?.get() {
            for (key, value) in provided { fields[key] = "\(value)" }
        }
        if let extra = event.metadata {
            for (key, value) in extra { fields[key] = "\(value)" }
        }
        var line = "{\"level\":\"\(event.level.jsonName)\",\"timestamp\":\"\(Self.timestamp())\""
        line += ",\"message\":" + Self.quote(self.redact("\(event.message)"))
        for key in fields.keys.sorted() where key != "level" && key != "timestamp" && key != "message" {
            line += "," + Self.quote(key) + ":" + Self.quote(self.redact(fields[key]!))
        }
        line += "}\n"
        self.output.write(line)
    }

    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(time.tv_nsec / 1_000_000))
    }

    /// A JSON string literal of `text`.
    static func quote(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension Logger.Level {
    var jsonName: String {
        switch self {
        case .trace: return "trace"
        case .debug: return "debug"
        case .info: return "info"
        case .notice: return "notice"
        case .warning: return "warning"
        case .error: return "error"
        case .critical: return "critical"
        }
    }
}
