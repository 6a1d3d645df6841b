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
