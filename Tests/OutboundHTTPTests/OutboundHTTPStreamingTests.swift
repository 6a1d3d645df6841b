import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

@testable import OutboundHTTP

/// Streamed request bodies and streamed responses with a byte cap, against Hummingbird fakes.
@Suite("OutboundHTTPClient streaming")
struct OutboundHTTPStreamingTests {
    /// `count` chunks of `size` bytes, each filled with its index.
    static func chunks(_ count: Int, size: Int) -> AsyncStream<ByteBuffer> {
        AsyncStream { continuation in
            for index in 0..<count {
                continuation.yield(ByteBuffer(repeating: UInt8(index % 256), count: size))
            }
            continuation.finish()
        }
    }

    static func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.put("upload") { request, _ -> String in
            let length = request.headers[.contentLength] ?? "-"
            var total = 0
            var sum = 0
            for try await buffer in request.body {
                total += buffer.readableBytes
                for byte in buffer.readableBytesView { sum &+= Int(byte) }
            }
            return "\(length) \(total) \(sum)"
        }
        router.get("stream") { request, _ -> Response in
            let count = Int(request.uri.queryParameters.get("count") ?? "0") ?? 0
            let declared = request.uri.queryParameters.get("declare") == "1" ? count * 1000 : nil
            return Response(
                status: .ok,
                body: ResponseBody(contentLength: declared) { writer in
                    for index in 0..<count {
                        try await writer.write(ByteBuffer(repeating: UInt8(index % 256), count: 1000))
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("missing") { _, _ -> Response in
            Response(
                status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "<Error><Code>NoSuchKey</Code></Error>")))
        }
        return router
    }

    @Test("a streamed body arrives whole with its Content-Length")
    func streamedUpload() async throws {
        try await withFakeHTTPServer(Self.router()) { port in
            try await withOutboundHTTP { client in
                let response = try await client.execute(
                    OutboundRequest(method: .PUT, url: "http://127.0.0.1:\(port)/upload"),
                    streamingBody: Self.chunks(40, size: 64 << 10), length: 40 * (64 << 10))
                var expectedSum = 0
                for index in 0..<40 { expectedSum += (index % 256) * (64 << 10) }
                #expect(response.status == 200)
                #expect(response.text == "\(40 * (64 << 10)) \(40 * (64 << 10)) \(expectedSum)")
            }
        }
    }

    @Test("a body source that fails is the caller's failure, not the transport's")
    func failingSource() async throws {
        struct ReadFailed: Error {}
        let failing = AsyncThrowingStream<ByteBuffer, any Error> { continuation in
            continuation.yield(ByteBuffer(repeating: 1, count: 1000))
            continuation.finish(throwing: ReadFailed())
        }
        _ = try await withFakeHTTPServer(Self.router()) { port in
            try await withOutboundHTTP { client in
                await #expect(throws: OutboundHTTPError.callerStream) {
                    try await client.execute(
                        OutboundRequest(method: .PUT, url: "http://127.0.0.1:\(port)/upload"), streamingBody: failing,
                        length: 5000)
                }
            }
        }
    }

    @Test(
        "a streamed response reaches the consumer chunk by chunk, with or without Content-Length",
        arguments: [false, true])
    func streamedDownload(declared: Bool) async throws {
        let received = NIOLockedValueBox<[UInt8]>([])
        try await withFakeHTTPServer(Self.router()) { port in
            try await withOutboundHTTP { client in
                let response = try await client.execute(
                    OutboundRequest(url: "http://127.0.0.1:\(port)/stream?count=300&declare=\(declared ? 1 : 0)"),
                    streamingResponseUpTo: 300_000
                ) { chunk in
                    received.withLockedValue { $0 += Array(chunk.readableBytesView) }
                }
                #expect(response.status == 200 && response.body.readableBytes == 0)
            }
        }
        let bytes = received.withLockedValue { $0 }
        #expect(bytes.count == 300_000)
        #expect(bytes[0] == 0 && bytes[1000] == 1 && bytes[299_999] == UInt8(299 % 256))
    }

    @Test("past the cap: responseTooLarge, from Content-Length or while reading", arguments: [false, true])
    func cap(declared: Bool) async throws {
        let received = NIOLockedValueBox(0)
        _ = try await withFakeHTTPServer(Self.router()) { port in
            try await withOutboundHTTP { client in
                await #expect(throws: OutboundHTTPError.responseTooLarge) {
                    try await client.execute(
                        OutboundRequest(url: "http://127.0.0.1:\(port)/stream?count=300&declare=\(declared ? 1 : 0)"),
                        streamingResponseUpTo: 100_000
                    ) { chunk in
                        received.withLockedValue { $0 += chunk.readableBytes }
                    }
                }
            }
        }
        #expect(received.withLockedValue { $0 } <= 100_000)
    }

    @Test("a non-2xx answer is collected for the caller, not streamed")
    func errorAnswer() async throws {
        let called = NIOLockedValueBox(false)
        try await withFakeHTTPServer(Self.router()) { port in
            try await withOutboundHTTP { client in
                let response = try await client.execute(
                    OutboundRequest(url: "http://127.0.0.1:\(port)/missing"), streamingResponseUpTo: 10
                ) { _ in called.withLockedValue { $0 = true } }
                #expect(response.status == 404 && response.text.contains("NoSuchKey"))
            }
        }
        #expect(called.withLockedValue { $0 } == false)
    }

    @Test("a consumer that fails is the caller's failure")
    func failingConsumer() async throws {
        struct WriteFailed: Error {}
        _ = try await withFakeHTTPServer(Self.router()) { port in
            try await withOutboundHTTP { client in
                await #expect(throws: OutboundHTTPError.callerStream) {
                    try await client.execute(
                        OutboundRequest(url: "http://127.0.0.1:\(port)/stream?count=10"), streamingResponseUpTo: 1 << 20
                    ) { _ in throw WriteFailed() }
                }
            }
        }
    }

    @Test("nothing listening: connectFailed for both kinds")
    func refused() async throws {
        try await withClosedTCPPort { port in
            try await withOutboundHTTP { client in
                await #expect(throws: OutboundHTTPError.connectFailed) {
                    try await client.execute(
                        OutboundRequest(method: .PUT, url: "http://127.0.0.1:\(port)/x"),
                        streamingBody: Self.chunks(1, size: 10),
                        length: 10)
                }
                await #expect(throws: OutboundHTTPError.connectFailed) {
                    try await client.execute(OutboundRequest(url: "http://127.0.0.1:\(port)/x"), streamingResponseUpTo: 10)
                    { _ in }
                }
            }
        }
    }
}
