import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small HTTP/1.1 client on SwiftNIO: one connection per request (`Connection: close`), TLS with
/// certificate verification for `https`, a deadline for the whole exchange and a cap on the
/// response size. Provider calls are a few per second at most, so pooling is not worth its state.
public final class NIOHTTPTransport: HTTPTransport {
    private let group: any EventLoopGroup
    private let tlsContext: NIOSSLContext
    /// Largest response body accepted.
    public let maximumResponseBytes: Int

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, maximumResponseBytes: Int = 1 << 20) throws {
        self.group = group
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        self.tlsContext = try NIOSSLContext(configuration: tls)
        self.maximumResponseBytes = maximumResponseBytes
    }

    public func execute(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResponseData {
        guard let scheme = request.url.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = request.url.host else {
            throw HTTPTransportError("unsupported URL")
        }
        let secure = scheme == "https"
        let port = request.url.port ?? (secure ? 443 : 80)
        let tlsContext = self.tlsContext
        let limit = self.maximumResponseBytes
        let eventLoop = self.group.next()
        let promise = eventLoop.makePromise(of: HTTPResponseData.self)
        let timeAmount = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if secure {
                        let isIP = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
                        try sync.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: isIP ? nil : host))
                    }
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(HTTPResponseCollector(promise: promise, limit: limit))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            promise.fail(error)
            throw HTTPTransportError("cannot connect to \(host):\(port): \(error)")
        }
        let timer = eventLoop.scheduleTask(in: timeAmount) {
            promise.fail(HTTPTransportError("no answer from \(host) in time"))
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        var path = request.url.path.isEmpty ? "/" : request.url.path
        if let query = request.url.query { path += "?" + query }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: request.method), uri: path)
        head.headers.add(name: "Host", value: request.url.port.map { "\(host):\($0)" } ?? host)
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Content-Length", value: String(request.body.count))
        head.headers.add(name: "User-Agent", value: "blueprint-worker")
        for (name, value) in request.headers { head.headers.add(name: name, value: value) }
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        if !request.body.isEmpty { channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: request.body))), promise: nil) }
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        do {
            let response = try await promise.futureResult.get()
            try? await channel.close()
            return response
        } catch {
            try? await channel.close()
            if error is HTTPTransportError { throw error }
            throw HTTPTransportError("\(host): \(error)")
        }
    }
}
