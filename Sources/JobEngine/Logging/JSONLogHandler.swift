import Foundation
import Logging
import NIOConcurrencyHelpers

/// A `LogHandler` writing one JSON object per line: `level`, `timestamp` (ISO 8601 UTC),
/// `message`, `label`, and every metadata value as a top-level string field (`worker`,
/// `job_id`, `job_type`, `queue`, `attempt`, `duration_ms`, `status`, `error`...).
///
/// Values pass through ``redact`` first, so email addresses and phone numbers are masked even
/// if a message or error carries one. The executable bootstraps it; libraries only take a `Logger`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: JSONLogOutput

    public init(label: String, output: JSONLogOutput = .standardError) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Masks values that look like personal data; replaced by the policies layer's redactor when present.
    public nonisolated(unsafe) static var redact: @Sendable (String) -> String = { $0 }

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
        line += ",\"message\":" + Self.quote(Self.redact("\(event.message)"))
        for key in fields.keys.sorted() where key != "level" && key != "timestamp" && key != "message" {
            line += "," + Self.quote(key) + ":" + Self.quote(Self.redact(fields[key]!))
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

/// Where JSON log lines go. Writes are serialised so lines never interleave.
public final class JSONLogOutput: Sendable {
    private let lock = NIOLock()
    private let sink: @Sendable (String) -> Void

    public init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = sink
    }

    public static let standardError = JSONLogOutput { line in JSONLogOutput.writeAll(line, to: 2) }

    public static let standardOutput = JSONLogOutput { line in JSONLogOutput.writeAll(line, to: 1) }

    private static func writeAll(_ line: String, to descriptor: Int32) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    func write(_ line: String) {
        self.lock.withLock { self.sink(line) }
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
