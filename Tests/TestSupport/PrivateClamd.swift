import Foundation
import Logging
import ClamAV

#if canImport(Glibc)
    import Glibc
#endif

/// A clamd of a test's own (never the shared one), on the shared EICAR database
/// (`CLAMD_TEST_DATABASE`), for tests that freeze, kill or restart it. Always ``stop()`` it.
public final class PrivateClamd: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    private let process: Process

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    public var pid: Int32 { self.process.processIdentifier }

    /// Whether the clamd process is alive.
    public var isRunning: Bool { self.process.isRunning }

    /// Starts clamd on `port` (a free one by default; give the old port to restart "the same" clamd).
    public static func start(port fixedPort: Int? = nil) async throws -> PrivateClamd {
        guard let executable = TestClamd.executable, let database = TestClamd.databaseDirectory else {
            throw TestFailure("clamd or CLAMD_TEST_DATABASE is missing")
        }
        let directory = try makeTemporaryDirectory("private-clamd")
        let port: Int
        if let fixedPort { port = fixedPort } else { port = try await freeTCPPort() }
        try """
        DatabaseDirectory \(database)
        TCPSocket \(port)
        TCPAddr 127.0.0.1
        StreamMaxLength 100M
        Foreground yes
        LogFile \(directory.path)/clamd.log

        """.write(to: directory.appendingPathComponent("clamd.conf"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--config-file=\(directory.path)/clamd.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = PrivateClamd(port: port, directory: directory, process: process)
        let client = server.client(timeout: .seconds(2))
        do {
            try await waitUntil("the private clamd to answer PING", timeout: .seconds(30)) {
                guard process.isRunning else { throw TestFailure("clamd exited") }
                do {
                    try await client.ping()
                    return true
                } catch {
                    return false
                }
            }
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// A client of this clamd.
    public func client(timeout: Duration = .seconds(30), chunkSize: Int = 64 * 1024) -> ClamdClient {
        ClamdClient(
            configuration: .init(
                address: .tcp(host: "127.0.0.1", port: self.port), connectTimeout: .seconds(10), timeout: timeout,
                chunkSize: chunkSize),
            logger: Logger(label: "private-clamd", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// Sends `signal` (SIGSTOP freezes it, SIGKILL kills it).
    public func signal(_ signal: Int32) {
        guard self.process.isRunning else { return }
        _ = kill(self.process.processIdentifier, signal)
    }

    /// Bytes waiting unread in clamd's receive queues on its port (Linux `/proc/net/tcp`).
    public func queuedBytes() -> Int {
        guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return 0 }
        let localPort = String(format: "%04X", self.port)
        var total = 0
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 4, fields[1].hasSuffix(":\(localPort)") else { continue }
            let queues = fields[4].split(separator: ":")
            if queues.count == 2, let received = Int(queues[1], radix: 16) { total += received }
        }
        return total
    }

    /// Kills it and removes its directory.
    public func stop() {
        if self.process.isRunning {
            _ = kill(self.process.processIdentifier, SIGKILL)
            self.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: self.directory)
    }
}
