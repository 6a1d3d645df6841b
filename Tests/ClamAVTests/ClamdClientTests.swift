import Foundation
import Logging
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import ClamAV

/// Against the real clamd of scripts/test-servers/clamd.sh (EICAR-only database), over TCP and the
/// unix socket.
@Suite(
    "ClamdClient against a real clamd",
    .enabled(if: TestServers.shouldRun(TestClamd.isAvailable), "CLAMD_TEST_ADDRESS is not set"))
struct ClamdClientTests {
    static let logger = Logger(label: "clamd-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    enum Transport: String, CaseIterable, CustomTestStringConvertible {
        case tcp, unix
        var testDescription: String { self.rawValue }
    }

    static func client(_ transport: Transport, timeout: Duration = .seconds(60)) throws -> ClamdClient {
        let text = transport == .tcp ? TestClamd.address : TestClamd.socketPath
        guard let text else { throw TestFailure("CLAMD_TEST_ADDRESS / CLAMD_TEST_SOCKET are not set") }
        return ClamdClient(
            configuration: .init(address: try ClamdAddress.parse(text), connectTimeout: .seconds(3), timeout: timeout),
            logger: logger)
    }

    /// Writes `bytes` to a new temporary file, runs `body` with its path, removes it.
    static func withFile<T>(_ bytes: [UInt8], _ body: (String) async throws -> T) async throws -> T {
        let directory = try makeTemporaryDirectory("clamd")
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("upload.bin")
        try Data(bytes).write(to: url)
        return try await body(url.path)
    }

    static func error(of call: () async throws(ClamdError) -> ScanResult) async -> ClamdError? {
        do {
            _ = try await call()
            return nil
        } catch {
            return error
        }
    }

    @Test("EICAR is infected, with the signature name", arguments: Transport.allCases)
    func eicar(transport: Transport) async throws {
        let client = try Self.client(transport)
        let result = try await Self.withFile(Array(TestClamd.eicar.utf8)) { path in
            try await client.scan(fileAt: path)
        }
        guard case .infected(let signature) = result else {
            Issue.record("expected infected, got \(result)")
            return
        }
        #expect(signature.hasPrefix("Eicar-Test-Signature"))
    }

    @Test("EICAR inside a PDF-looking file is infected", arguments: Transport.allCases)
    func eicarInPDF(transport: Transport) async throws {
        let client = try Self.client(transport)
        var bytes = Array("%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n".utf8)
        bytes += [UInt8](repeating: 0x41, count: 200_000)
        bytes += Array(TestClamd.eicar.utf8)
        bytes += Array("\nendstream\n%%EOF\n".utf8)
        let result = try await Self.withFile(bytes) { try await client.scan(fileAt: $0) }
        #expect(result != .clean)
    }

    @Test("a clean file of several chunks is clean", arguments: Transport.allCases)
    func clean(transport: Transport) async throws {
        let client = try Self.client(transport)
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(try await Self.withFile(bytes) { try await client.scan(fileAt: $0) } == .clean)
        // An empty file is clean too (only the terminator is sent).
        #expect(try await Self.withFile([]) { try await client.scan(fileAt: $0) } == .clean)
    }

    @Test("a file above StreamMaxLength is the permanent size-limit error")
    func sizeLimit() async throws {
        let client = try Self.client(.tcp)
        let bytes = [UInt8](repeating: 0x20, count: TestClamd.streamMaxLength + 1024 * 1024)
        let error = try await Self.withFile(bytes) { path in
            await Self.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
        }
        #expect(error == .sizeLimitExceeded, "\(String(describing: error))")
        #expect(error?.isTransient == false)
    }

    @Test("PING and VERSION", arguments: Transport.allCases)
    func health(transport: Transport) async throws {
        let client = try Self.client(transport)
        try await client.ping()
        #expect(try await client.version().hasPrefix("ClamAV "))
    }

    @Test("a missing file is fileUnreadable (permanent), and clamd is not blamed")
    func missingFile() async throws {
        let client = try Self.client(.tcp)
        let error = await Self.error { () async throws(ClamdError) in
            try await client.scan(fileAt: "/nonexistent/\(UUID().uuidString)")
        }
        #expect(error == .fileUnreadable)
        #expect(error?.isTransient == false)
    }
}

/// A real clamd of the test's own, frozen while a scan is being sent and then killed.
@Suite(
    "ClamdClient when a real clamd dies mid-scan",
    .enabled(if: TestServers.shouldRun(TestClamd.isAvailable), "CLAMD_TEST_ADDRESS is not set"))
struct ClamdKilledTests {
    @Test("clamd killed while the file is being sent: unavailable (transient), promptly")
    func killedMidScan() async throws {
        let server = try await PrivateClamd.start()
        defer { server.stop() }
        let client = server.client(timeout: .seconds(30))
        // Frozen: the kernel still accepts the connection and queues bytes until its buffers fill,
        // so the scan is certainly mid-send when clamd is killed.
        server.signal(SIGSTOP)
        let bytes = [UInt8](repeating: 0x61, count: 24 * 1024 * 1024)
        try await ClamdClientTests.withFile(bytes) { path in
            try await withThrowingTaskGroup(of: ClamdError?.self) { group in
                group.addTask {
                    await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
                }
                try await waitUntil("bytes of the scan to be queued at the frozen clamd", timeout: .seconds(10)) {
                    server.queuedBytes() > 0
                }
                let killedAt = ContinuousClock.now
                server.signal(SIGKILL)
                let error = try await group.next() ?? nil
                #expect(error == .unavailable, "\(String(describing: error))")
                #expect(error?.isTransient == true)
                #expect(ContinuousClock.now - killedAt < .seconds(10))
            }
        }
    }
}

/// clamd down, killed mid-scan, silent or answering garbage: clear transient errors.
@Suite("ClamdClient when clamd misbehaves")
struct ClamdFailureTests {
    static let logger = ClamdClientTests.logger

    static func client(port: Int, timeout: Duration = .seconds(10), chunkSize: Int = 64 * 1024) -> ClamdClient {
        ClamdClient(
            configuration: .init(
                address: .tcp(host: "127.0.0.1", port: port), connectTimeout: .seconds(2), timeout: timeout,
                chunkSize: chunkSize),
            logger: logger)
    }

    @Test("nothing listening: unavailable (transient)")
    func notListening() async throws {
        let client = Self.client(port: try await freeTCPPort())
        let error = await ClamdClientTests.error { () async throws(ClamdError) in
            try await client.scan(fileAt: "/etc/hostname")
        }
        #expect(error == .unavailable)
        #expect(error?.isTransient == true)
        await #expect(throws: ClamdError.unavailable) { try await client.ping() }
    }

    @Test("a unix socket path that does not exist: unavailable")
    func missingSocket() async throws {
        let client = ClamdClient(
            configuration: .init(address: .unix(path: "/tmp/no-clamd-\(UUID().uuidString.prefix(8)).sock")),
            logger: Self.logger)
        await #expect(throws: ClamdError.unavailable) { try await client.ping() }
    }

    @Test("the server closes the connection mid-send (clamd killed): unavailable, no hang")
    func closedMidSend() async throws {
        try await MisbehavingClamd.with(.closeAfter(bytes: 100_000)) { server in
            let client = Self.client(port: server.port, chunkSize: 16 * 1024)
            let bytes = [UInt8](repeating: 1, count: 8 * 1024 * 1024)
            let error = try await ClamdClientTests.withFile(bytes) { path in
                await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
            }
            #expect(error == .unavailable, "\(String(describing: error))")
            #expect(error?.isTransient == true)
            #expect(server.bytesReceived < bytes.count)
        }
    }

    @Test("a server that never answers: timedOut within the deadline")
    func silent() async throws {
        try await MisbehavingClamd.with(.silent) { server in
            let client = Self.client(port: server.port, timeout: .milliseconds(500))
            let started = ContinuousClock.now
            let error = try await ClamdClientTests.withFile(Array("hello".utf8)) { path in
                await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
            }
            #expect(error == .timedOut)
            #expect(error?.isTransient == true)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test(
        "garbage replies: invalidReply",
        arguments: [
            Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8), Array("stream: \0".utf8), [0xFF, 0xFE, 0x00],
            [UInt8](repeating: 0x41, count: 4096),
        ])
    func garbage(reply: [UInt8]) async throws {
        try await MisbehavingClamd.with(.reply(reply)) { server in
            let client = Self.client(port: server.port)
            let error = try await ClamdClientTests.withFile(Array("hello".utf8)) { path in
                await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
            }
            #expect(error == .invalidReply, "\(String(describing: error))")
        }
    }

    @Test("a reply that ends without a terminator is judged as a reply (truncated: invalid)")
    func truncated() async throws {
        try await MisbehavingClamd.with(.reply(Array("stream: Eic".utf8))) { server in
            let client = Self.client(port: server.port)
            await #expect(throws: ClamdError.invalidReply) { try await client.ping() }
        }
    }

    @Test("another ERROR reply is scanFailed (transient)")
    func otherError() async throws {
        try await MisbehavingClamd.with(.reply(Array("Can't allocate memory ERROR\0".utf8))) { server in
            let client = Self.client(port: server.port)
            let error = try await ClamdClientTests.withFile(Array("x".utf8)) { path in
                await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
            }
            #expect(error == .scanFailed)
            #expect(error?.isTransient == true)
        }
    }
}
