import NIOCore
import NIOHTTP1

/// Collects one response; fails the promise if the connection ends early or the body is too large.
final class HTTPResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPResponseData>
    private let limit: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []
    private var done = false

    init(promise: EventLoopPromise<HTTPResponseData>, limit: Int) {
        self.promise = promise
        self.limit = limit
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(var buffer):
            guard self.body.count + buffer.readableBytes <= self.limit else {
                self.finish(.failure(HTTPTransportError("response larger than \(self.limit) bytes")))
                context.close(promise: nil)
                return
            }
            self.body += buffer.readBytes(length: buffer.readableBytes) ?? []
        case .end:
            guard let head else { return self.finish(.failure(HTTPTransportError("response without a head"))) }
            self.finish(.success(HTTPResponseData(status: Int(head.status.code), headers: head.headers.map { ($0.name, $0.value) }, body: self.body)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.finish(.failure(HTTPTransportError("connection closed before the response ended")))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.finish(.failure(error))
        context.close(promise: nil)
    }

    private func finish(_ result: Result<HTTPResponseData, any Error>) {
        guard !self.done else { return }
        self.done = true
        self.promise.completeWith(result)
    }
}
