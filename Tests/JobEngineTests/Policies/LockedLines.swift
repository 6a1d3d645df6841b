import Foundation

/// Collected log lines (thread-safe).
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        self.lock.lock()
        self.lines.append(line)
        self.lock.unlock()
    }

    func joined() -> String {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.lines.joined()
    }
}
