import Logging

/// Keeps every log line in memory (`level message key=value... error=...`), for tests that check
/// what a job or module logs (and that secrets and personal data never appear).
public struct CapturingLogHandler: LogHandler {
    public let lines: LockedBox<[String]>
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(lines: LockedBox<[String]>) {
        self.lines = lines
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        self.lines.withLock { $0.append("\(event.level) \(event.message) \(rendered)\(error)") }
    }

    /// A logger (at `trace`) writing into `lines`.
    public static func logger(_ lines: LockedBox<[String]>) -> Logger {
        Logger(label: "capture") { _ in CapturingLogHandler(lines: lines) }
    }
}
