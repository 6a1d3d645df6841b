import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import OutboundHTTP
import TestSupport
import Testing

@testable import Files

/// The SSRF-safe fetch against local servers: refusals never reach the target; redirects, caps and
/// the time limit; a real TLS fetch checked against the URL's name.
@Suite("SafeFetcher")
struct SafeFetcherTests {
    static let logger = Logger(label: "fetch-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    static func fetcher(
        _ configuration: SafeFetcher.Configuration = .init(), resolver: (any HostResolver)? = nil,
        tls: TLSConfiguration = .makeClientConfiguration()
    ) throws -> SafeFetcher {
        let client = try PinnedFetch(
            eventLoopGroup: MultiThreadedEventLoopGroup.singleton, tlsConfiguration: tls, connectTimeout: .seconds(3),
            logger: logger)
        return SafeFetcher(
            configuration: configuration, client: client, resolver: resolver ?? SystemHostResolver(), logger: logger)
    }

    static func withPath<T>(_ body: (String) async throws -> T) async throws -> T {
        let directory = try makeTemporaryDirectory("fetch")
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory.appendingPathComponent("download.bin").path)
    }

    static func error(_ call: () async throws(FetchError) -> FetchedFile) async -> FetchError? {
        do {
            _ = try await call()
            return nil
        } catch {
            return error
        }
    }

    /// A fetcher of plain-http test origins on 127.0.0.2 only: every other internal address stays refused.
    static let testOrigin = IPAddress.v4(127, 0, 0, 2)
    static func originFetcher(resolver: (any HostResolver)? = nil) throws -> SafeFetcher {
        try Self.fetcher(.init(allowPlainHTTP: true, testOnlyAllowedAddresses: [Self.testOrigin]), resolver: resolver)
    }

    @Test(
        "every SSRF form is refused and the target is never contacted",
        arguments: [
            "https://127.0.0.1:PORT/", "https://0x7f000001:PORT/", "https://2130706433:PORT/", "https://127.1:PORT/",
            "https://0177.0.0.1:PORT/", "https://127.0.0.1.:PORT/", "https://[::ffff:7f00:1]:PORT/",
            "https://[::ffff:127.0.0.1]:PORT/", "https://%31%32%37.0.0.1:PORT/", "https://%31%32%37%2e0.0.1:PORT/",
            "https://localhost:PORT/", "https://LOCALHOST.:PORT/", "https://api.localhost:PORT/", "https://[::1]:PORT/",
            "https://0:PORT/", "https://0.0.0.0:PORT/", "https://[::]:PORT/", "https://[64:ff9b::7f00:1]:PORT/",
            "https://[2002:7f00:1::]:PORT/", "https://[::127.0.0.1]:PORT/", "https://loop.test:PORT/",
            "https://mixed.test:PORT/", "http://127.0.0.1:PORT/", "https://user@127.0.0.1:PORT/",
            "https://１２７.０.０.１:PORT/", "https://169.254.169.254/latest/meta-data/", "https://10.0.0.1:PORT/",
        ])
    func refused(template: String) async throws {
        let resolver = StaticResolver(answers: [
            "loop.test": [.v4(127, 0, 0, 1)],
            // A public and an internal address in one answer: refused as a whole.
            "mixed.test": [.v4(93, 184, 215, 14), .v4(127, 0, 0, 1)],
        ])
        try await ConnectionCounter.with { target in
            let url = template.replacingOccurrences(of: "PORT", with: String(target.port))
            let fetcher = try Self.fetcher(resolver: resolver)
            let error = try await Self.withPath { path in
                await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch(url, toFileAt: path, timeout: .seconds(30))
                }
            }
            #expect(error == .forbiddenAddress || error == .invalidURL, "\(url): \(String(describing: error))")
            #expect(error?.isTransient == false)
            #expect(target.connections == 0, "\(url) reached the target")
        }
    }

    @Test("control: with allow-private on, the same target IS contacted (the counter works)")
    func counterControl() async throws {
        try await ConnectionCounter.with { target in
            let fetcher = try Self.fetcher(.init(allowPrivateAddresses: true))
            let error = try await Self.withPath { path in
                await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch("https://127.0.0.1:\(target.port)/", toFileAt: path, timeout: .seconds(30))
                }
            }
            #expect(error == .connectFailed || error == .transport, "\(String(describing: error))")
            try await waitUntil("the target to see the connection", timeout: .seconds(30)) { target.connections == 1 }
        }
    }

    @Test(
        "malformed, truncated or oversize responses are clear errors",
        arguments: [
            ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", FetchError.transport),
            ("this is not HTTP\r\n\r\n", FetchError.transport),
            ("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n", FetchError.transport),
            ("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", FetchError.transport),
            ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999\r\n\r\n", FetchError.tooLarge),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", FetchError.transport),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", FetchError.transport),
            ("", FetchError.transport),
            ("HTTP/1.1 302 Found\r\nContent-Length: 0\r\n\r\n", FetchError.invalidRedirect),
            ("HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n", FetchError.httpStatus),
        ])
    func malformedResponses(reply: String, expected: FetchError) async throws {
        try await RawResponder.with(host: "127.0.0.2", reply: Array(reply.utf8)) { port in
            let fetcher = try Self.originFetcher()
            let error = try await Self.withPath { path in
                let error = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch(
                        "http://127.0.0.2:\(port)/x", toFileAt: path, maxBytes: 1 << 20, timeout: .seconds(30))
                }
                #expect(!FileManager.default.fileExists(atPath: path))
                return error
            }
            #expect(error == expected, "\(reply.debugDescription): \(String(describing: error))")
        }
    }

    @Test("transient or not")
    func transience() {
        #expect(FetchError.connectFailed.isTransient && FetchError.timedOut.isTransient)
        #expect(!FetchError.forbiddenAddress.isTransient && !FetchError.tooLarge.isTransient)
        #expect(
            FetchError.httpStatus(host: "h", 503).isTransient && FetchError.httpStatus(host: "h", 503).status == 503)
        #expect(!FetchError.httpStatus(host: "h", 404).isTransient)
    }

    @Test("the system resolver: localhost resolves to loopback and is refused (allow-private off)")
    func systemResolverLocalhost() async throws {
        let addresses = try await SystemHostResolver().resolve("localhost")
        #expect(addresses.contains(.v4(127, 0, 0, 1)))
        #expect(addresses.allSatisfy { AddressPolicy.classify($0) != nil })
        await #expect(throws: FetchError.resolutionFailed) {
            try await SystemHostResolver().resolve("no-such-host.invalid")
        }
    }

    @Test("a redirect to 127.0.0.1 (or to localhost) is refused and never followed")
    func redirectToLoopback() async throws {
        try await ConnectionCounter.with { target in
            let router = Router()
            router.get("to-ip") { _, _ in
                Response(status: .found, headers: [.location: "http://127.0.0.1:\(target.port)/secret"])
            }
            router.get("to-name") { _, _ in
                Response(status: .movedPermanently, headers: [.location: "http://localhost:\(target.port)/"])
            }
            router.get("to-metadata") { _, _ in
                Response(status: .temporaryRedirect, headers: [.location: "http://169.254.169.254/latest/"])
            }
            try await withOriginServer(router, host: "127.0.0.2") { port in
                let fetcher = try Self.originFetcher()
                for route in ["to-ip", "to-name", "to-metadata"] {
                    let error = try await Self.withPath { path in
                        await Self.error { () async throws(FetchError) in
                            try await fetcher.fetch(
                                "http://127.0.0.2:\(port)/\(route)", toFileAt: path, timeout: .seconds(30))
                        }
                    }
                    #expect(error == .forbiddenAddress, "\(route): \(String(describing: error))")
                }
            }
            #expect(target.connections == 0)
        }
    }

    @Test("redirects: 3 hops are followed (each re-checked), a 4th is refused; a bad Location is refused")
    func redirectHops() async throws {
        let router = Router()
        router.get("hop/{n}") { _, context -> Response in
            let hop = Int(context.parameters.get("n") ?? "") ?? 0
            if hop == 0 { return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "done"))) }
            return Response(status: .seeOther, headers: [.location: "/hop/\(hop - 1)"])
        }
        router.get("nolocation") { _, _ in Response(status: .found) }
        router.get("notfound") { _, _ in Response(status: .notFound) }
        router.get("broken") { _, _ in Response(status: .found, headers: [.location: "http://exa mple/"]) }
        try await withOriginServer(router, host: "127.0.0.2") { port in
            let fetcher = try Self.originFetcher()
            try await Self.withPath { path in
                let file = try await fetcher.fetch(
                    "http://127.0.0.2:\(port)/hop/3", toFileAt: path, timeout: .seconds(30))
                #expect(file.redirects == 3 && file.byteCount == 4)
                #expect(try String(contentsOfFile: path, encoding: .utf8) == "done")
                let tooMany = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch("http://127.0.0.2:\(port)/hop/4", toFileAt: path, timeout: .seconds(30))
                }
                #expect(tooMany == .tooManyRedirects)
                #expect(!FileManager.default.fileExists(atPath: path), "no file is left after a failure")
                let missing = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch("http://127.0.0.2:\(port)/nolocation", toFileAt: path, timeout: .seconds(30))
                }
                #expect(missing == .invalidRedirect)
                let broken = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch("http://127.0.0.2:\(port)/broken", toFileAt: path, timeout: .seconds(30))
                }
                #expect(broken == .invalidRedirect)
                let notFound = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch("http://127.0.0.2:\(port)/notfound", toFileAt: path, timeout: .seconds(30))
                }
                #expect(notFound == .httpStatus && notFound?.status == 404 && notFound?.isTransient == false)
            }
        }
    }

    @Test("size cap: a Content-Length above the cap fails before the body; a chunked body fails once past it")
    func sizeCap() async throws {
        let router = Router()
        router.get("declared") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x41, count: 5000)))
        }
        // Chunked (no Content-Length) and endless: the fetch must stop reading by itself.
        router.get("endless") { _, _ in
            Response(
                status: .ok,
                body: .init { writer in
                    let chunk = ByteBuffer(repeating: 0x42, count: 16 * 1024)
                    while !Task.isCancelled { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        router.get("small") { _, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: 0x43, count: 1000)))
        }
        try await withOriginServer(router, host: "127.0.0.2") { port in
            let fetcher = try Self.originFetcher()
            try await Self.withPath { path in
                let declared = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch(
                        "http://127.0.0.2:\(port)/declared", toFileAt: path, maxBytes: 4999, timeout: .seconds(30))
                }
                #expect(declared == .tooLarge)
                let endless = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch(
                        "http://127.0.0.2:\(port)/endless", toFileAt: path, maxBytes: 1 << 20, timeout: .seconds(20))
                }
                #expect(endless == .tooLarge)
                #expect(!FileManager.default.fileExists(atPath: path), "the partial file is removed")
                let small = try await fetcher.fetch(
                    "http://127.0.0.2:\(port)/small", toFileAt: path, maxBytes: 1000, timeout: .seconds(30))
                #expect(small.byteCount == 1000)
                #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == 1000)
            }
        }
    }

    @Test("time cap: a body that drips slowly fails with timedOut near the cap")
    func slowBody() async throws {
        let router = Router()
        router.get("slow") { _, _ in
            Response(
                status: .ok,
                body: .init { writer in
                    for _ in 0..<100 {
                        try await writer.write(ByteBuffer(string: "x"))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    try await writer.finish(nil)
                })
        }
        try await withOriginServer(router, host: "127.0.0.2") { port in
            let fetcher = try Self.originFetcher()
            try await Self.withPath { path in
                let started = ContinuousClock.now
                let error = await Self.error { () async throws(FetchError) in
                    try await fetcher.fetch("http://127.0.0.2:\(port)/slow", toFileAt: path, timeout: .seconds(1))
                }
                let elapsed = ContinuousClock.now - started
                #expect(error == .timedOut, "\(String(describing: error))")
                #expect(elapsed >= .milliseconds(900), "\(elapsed)")
            }
        }
    }

    @Test("the connection goes to the checked address, whatever the name")
    func pinnedAddress() async throws {
        let router = Router()
        router.get("file") { request, _ in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: request.head.authority ?? "-")))
        }
        try await withOriginServer(router, host: "127.0.0.2") { port in
            // "files.test" exists only in this resolver: the request must reach 127.0.0.2 with Host files.test.
            let fetcher = try Self.originFetcher(resolver: StaticResolver(answers: ["files.test": [Self.testOrigin]]))
            try await Self.withPath { path in
                let file = try await fetcher.fetch(
                    "http://files.test:\(port)/file", toFileAt: path, timeout: .seconds(30))
                #expect(try String(contentsOfFile: path, encoding: .utf8) == "files.test:\(port)")
                #expect(file.finalOrigin == "http://files.test:\(port)")
            }
        }
    }
}
