import Hummingbird
import TestSupport
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Testing

@testable import OutboundHTTP

/// The shared client against Hummingbird fakes on 127.0.0.1.
@Suite("OutboundHTTPClient against a Hummingbird fake")
struct OutboundHTTPClientTests {
    static let logger = Logger(label: "outbound-http-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `call` and returns what it threw (`nil` when it returned a response).
    static func failure(of call: () async throws -> OutboundResponse) async -> OutboundHTTPError? {
        do {
            _ = try await call()
            return nil
        } catch let error as OutboundHTTPError {
            return error
        } catch {
            Issue.record("not an OutboundHTTPError: \(error)")
            return nil
        }
    }

    @Test("20 sequential calls reuse one keep-alive connection")
    func keepAliveReuse() async throws {
        let ports = NIOLockedValueBox<[Int]>([])
        let router = Router(context: PeerRequestContext.self)
        router.get("ping") { _, context -> String in
            ports.withLockedValue { $0.append(context.remotePort ?? -1) }
            return "pong"
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { client in
                for _ in 0..<20 {
                    let response = try await client.execute(OutboundRequest(url: "http://127.0.0.1:\(port)/ping"))
                    #expect(response.status == 200 && response.text == "pong")
                }
            }
        }
        let seen = ports.withLockedValue { $0 }
        #expect(seen.count == 20)
        #expect(Set(seen).count == 1, "one connection, remote ports \(Set(seen))")
    }

    @Test("method, headers and body reach the server; any status is a response")
    func requestShape() async throws {
        let router = Router(context: PeerRequestContext.self)
        router.post("echo") { request, _ -> Response in
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let body = try await request.body.collect(upTo: 1 << 16)
            let answer = "\(headers["x-test"] ?? "-") \(headers["content-type"] ?? "-") \(String(buffer: body))"
            return Response(status: .unprocessableContent, body: .init(byteBuffer: ByteBuffer(string: answer)))
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { client in
                let response = try await client.execute(
                    OutboundRequest(
                        method: .POST, url: "http://127.0.0.1:\(port)/echo",
                        headers: ["X-Test": "yes", "Content-Type": "text/plain"],
                        text: "hello"))
                #expect(response.status == 422 && !response.isSuccess)
                #expect(response.text == "yes text/plain hello")
            }
        }
    }

    @Test("a handler that answers after the deadline: .timedOut")
    func perCallTimeout() async throws {
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let router = Router(context: PeerRequestContext.self)
        router.get("slow") { _, _ -> String in
            for await _ in release {}  // until the test is done with it
            return "late"
        }
        try await withFakeHTTPServer(router) { port in
            defer { releaseContinuation.finish() }
            try await withOutboundHTTP { client in
                let error = await Self.failure {
                    try await client.execute(
                        OutboundRequest(url: "http://127.0.0.1:\(port)/slow", timeout: .milliseconds(200)))
                }
                #expect(error == .timedOut)
                #expect(error?.shortDescription == "timed_out")
                #expect(error?.message.contains("127.0.0.1:\(port)") == true)
            }
        }
    }

    @Test("a body that stops half-way is bounded by the same deadline")
    func deadlineCoversTheBody() async throws {
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let router = Router(context: PeerRequestContext.self)
        router.get("drip") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "first part"))
                    for await _ in release {}
                    try await writer.finish(nil)
                })
        }
        try await withFakeHTTPServer(router) { port in
            defer { releaseContinuation.finish() }
            try await withOutboundHTTP { client in
                let error = await Self.failure {
                    try await client.execute(
                        OutboundRequest(url: "http://127.0.0.1:\(port)/drip", timeout: .milliseconds(300)))
                }
                #expect(error == .timedOut)
            }
        }
    }

    @Test("cancelling the caller: .cancelled, not .timedOut")
    func callerCancellation() async throws {
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let (arrived, arrivedContinuation) = AsyncStream.makeStream(of: Void.self)
        let router = Router(context: PeerRequestContext.self)
        router.get("slow") { _, _ -> String in
            arrivedContinuation.yield()
            for await _ in release {}
            return "late"
        }
        try await withFakeHTTPServer(router) { port in
            defer { releaseContinuation.finish() }
            try await withOutboundHTTP { client in
                let error = await withTaskGroup(of: OutboundHTTPError?.self) { group in
                    group.addTask {
                        await Self.failure {
                            try await client.execute(OutboundRequest(url: "http://127.0.0.1:\(port)/slow"))
                        }
                    }
                    var iterator = arrived.makeAsyncIterator()
                    _ = await iterator.next()  // the request is at the server
                    group.cancelAll()
                    return await group.next() ?? nil
                }
                #expect(error == .cancelled, "\(String(describing: error))")
            }
        }
    }

    @Test("a 5 MB body with a 1 MB cap: .responseTooLarge (with and without Content-Length)")
    func responseCap() async throws {
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
        let router = Router(context: PeerRequestContext.self)
        router.get("big") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: 5 << 20)))
        }
        router.get("chunked") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<5 { try await writer.write(chunk) }
                    try await writer.finish(nil)
                })
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP({ $0.maximumResponseBytes = 1 << 20 }) { client in
                for path in ["big", "chunked"] {
                    let error = await Self.failure {
                        try await client.execute(OutboundRequest(url: "http://127.0.0.1:\(port)/\(path)"))
                    }
                    #expect(error == .responseTooLarge, "\(path)")
                }
                // A per-call cap above the size reads it all.
                let whole = try await client.execute(
                    OutboundRequest(url: "http://127.0.0.1:\(port)/big", maximumResponseBytes: 6 << 20))
                #expect(whole.body.readableBytes == 5 << 20)
            }
        }
    }

    @Test("connection refused: .connectFailed within the connect timeout")
    func connectionRefused() async throws {
        // Port 1 (tcpmux) is closed on test machines: the kernel refuses at once.
        try await withOutboundHTTP({ $0.connectTimeout = .milliseconds(300) }) { client in
            let error = await Self.failure {
                try await client.execute(OutboundRequest(url: "http://127.0.0.1:1/", timeout: .seconds(10)))
            }
            #expect(error == .connectFailed, "\(String(describing: error))")
            #expect(error?.message.hasPrefix("cannot connect to 127.0.0.1:1") == true)
        }
    }

    @Test("redirects are returned, not followed")
    func redirectsNotFollowed() async throws {
        let targetHits = NIOLockedValueBox(0)
        let router = Router(context: PeerRequestContext.self)
        router.get("from") { _, _ -> Response in
            Response(status: .found, headers: [.location: "/to"])
        }
        router.get("to") { _, _ -> String in
            targetHits.withLockedValue { $0 += 1 }
            return "followed"
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { client in
                let response = try await client.execute(OutboundRequest(url: "http://127.0.0.1:\(port)/from"))
                #expect(response.status == 302)
                #expect(response.headers.first(name: "Location") == "/to")
            }
        }
        #expect(targetHits.withLockedValue { $0 } == 0)
    }

    @Test("a URL that is not absolute http(s) is refused before any I/O")
    func invalidURL() async throws {
        try await withOutboundHTTP { client in
            for url in ["ftp://127.0.0.1/x", "/relative", "127.0.0.1:80"] {
                let error = await Self.failure { try await client.execute(OutboundRequest(url: url)) }
                #expect(error == .invalidURL, "\(url)")
            }
        }
    }

    @Test("run() shuts the client down on graceful shutdown; later calls fail, shutdown() again is harmless")
    func serviceShutdown() async throws {
        let client = OutboundHTTPClient(logger: Self.logger)
        let group = ServiceGroup(services: [client], gracefulShutdownSignals: [], logger: Self.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let error = await Self.failure { try await client.execute(OutboundRequest(url: "http://127.0.0.1:1/")) }
        #expect(error == .transport, "\(String(describing: error))")
        try await client.shutdown()
    }
}
