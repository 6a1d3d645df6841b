import Logging
import NIOConcurrencyHelpers

/// A log handler that keeps every line (message and metadata) for the test to inspect.
struct DocumentsCapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        self.lines.withLockedValue { $0.append("\(event.level) \(event.message) \(rendered)") }
    }

    /// A logger writing into `lines`.
    static func logger(_ lines: NIOLockedValueBox<[String]>) -> Logger {
        Logger(label: "capture") { _ in DocumentsCapturingLogHandler(lines: lines) }
    }
}
