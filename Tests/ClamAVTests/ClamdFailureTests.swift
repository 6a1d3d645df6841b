import Foundation
import Logging
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import ClamAV

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
        try await withClosedTCPPort { port in
            let client = Self.client(port: port)
            let error = await ClamdClientTests.error { () async throws(ClamdError) in
                try await client.scan(fileAt: "/etc/hostname")
            }
            #expect(error == .unavailable)
            #expect(error?.isTransient == true)
            await #expect(throws: ClamdError.unavailable) { try await client.ping() }
        }
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
            let error = try await ClamdClientTests.withFile(Array("hello".utf8)) { path in
                await ClamdClientTests.error { () async throws(ClamdError) in try await client.scan(fileAt: path) }
            }
            #expect(error == .timedOut)
            #expect(error?.isTransient == true)
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
