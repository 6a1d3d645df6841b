import Foundation
import NIOConcurrencyHelpers

/// Where JSON log lines go. Lines never interleave.
///
/// The standard outputs are written by one background thread: a logging call (often on an event
/// loop thread) only appends the line to a memory buffer, never waits on `write(2)`. The buffer
/// is bounded: past ``maximumBufferedBytes`` new lines are dropped and counted, and a line saying
/// how many were lost is written once the writer catches up.
public final class JSONLogOutput: Sendable {
    private enum Sink: Sendable {
        case descriptor(Int32)
        case closure(@Sendable (String) -> Void)
    }

    private struct Buffer {
        var lines: [String] = []
        var bytes = 0
        var dropped = 0
        var writerStarted = false
        var writing = false
    }

    private static let hasLines = 1
    private static let empty = 0

    /// Most bytes held for the writer thread before lines are dropped.
    public static let maximumBufferedBytes = 8 << 20

    private let sink: Sink
    private let buffer = NIOLockedValueBox(Buffer())
    private let signal = ConditionLock(value: JSONLogOutput.empty)
    /// Keeps chunks in order when ``flush()`` drains beside the writer thread.
    private let drainLock = NIOLock()

    /// Lines go to `sink`, called synchronously under a lock (tests, custom destinations).
    public init(sink: @escaping @Sendable (String) -> Void) {
        self.sink = .closure(sink)
    }

    /// Lines go to the open file `descriptor`, written by a background thread.
    public init(descriptor: Int32) {
        self.sink = .descriptor(descriptor)
    }

    /// Standard error, written by a background thread.
    public static let standardError = JSONLogOutput(descriptor: 2)

    /// Standard output, written by a background thread.
    public static let standardOutput = JSONLogOutput(descriptor: 1)

    func write(_ line: String) {
        switch self.sink {
        case .closure(let sink):
            self.signal.lock()
            sink(line)
            self.signal.unlock()
        case .descriptor(let descriptor):
            let startWriter = self.buffer.withLockedValue { buffer -> Bool in
                if buffer.bytes + line.utf8.count > Self.maximumBufferedBytes {
                    buffer.dropped += 1
                } else {
                    buffer.lines.append(line)
                    buffer.bytes += line.utf8.count
                }
                defer { buffer.writerStarted = true }
                return !buffer.writerStarted
            }
            if startWriter {
                let thread = Thread { [self] in self.writerLoop(descriptor) }
                thread.name = "blueprint-log-writer"
                thread.start()
            }
            self.signal.lock()
            self.signal.unlock(withValue: Self.hasLines)
        }
    }

    /// Waits until every buffered line is written (process exit, tests).
    public func flush() {
        guard case .descriptor(let descriptor) = self.sink else { return }
        self.drain(descriptor)
    }

    private func writerLoop(_ descriptor: Int32) {
        while true {
            self.signal.lock(whenValue: Self.hasLines)
            self.signal.unlock(withValue: Self.empty)
            self.drain(descriptor)
        }
    }

    private func drain(_ descriptor: Int32) {
        self.drainLock.lock()
        defer { self.drainLock.unlock() }
        while true {
            let (lines, dropped) = self.buffer.withLockedValue { buffer -> ([String], Int) in
                defer {
                    buffer.lines.removeAll(keepingCapacity: true)
                    buffer.bytes = 0
                    buffer.dropped = 0
                }
                return (buffer.lines, buffer.dropped)
            }
            if lines.isEmpty && dropped == 0 { return }
            var chunk = lines.joined()
            if dropped > 0 {
                chunk += "{\"level\":\"warning\",\"message\":\"\(dropped) log lines dropped: the log output could not keep up\"}\n"
            }
            Self.writeAll(chunk, to: descriptor)
        }
    }

    private static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}
