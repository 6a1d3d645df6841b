import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import RESP

/// One connection to a Redis server: pipelined commands, replies matched in order.
///
/// Thread-safe: any task may send; commands from concurrent callers share the socket and are
/// flushed together. Once the connection owes
/// ``RedisConfiguration/maximumPendingRequestsPerConnection`` replies, further commands wait unsent
/// until replies drain, and fail with ``RedisClientError/tooManyPendingRequests(limit:)`` if their
/// timeout passes first. Server error replies are thrown as ``RedisServerError`` by ``send(_:)``
/// and returned as values by ``pipeline(_:)``.
public final class RedisConnection: Sendable {
    /// The protocol spoken after the handshake.
    public enum ProtocolVersion: Int, Sendable { case resp2 = 2, resp3 = 3 }

    let channel: any Channel
    private let handler: NIOLoopBoundBox<RedisChannelHandler?>
    private let requestIDs = NIOLockedValueBox<UInt64>(0)
    private let configuration: RedisConfiguration
    /// RESP3 unless the server answered `HELLO` with NOPROTO (Redis 5 and older).
    public let protocolVersion: ProtocolVersion

    /// The event loop this connection runs on.
    public var eventLoop: any EventLoop { self.channel.eventLoop }

    /// `true` until the connection closed.
    public var isActive: Bool { self.channel.isActive }

    /// Completes when the connection has closed.
    public var closeFuture: EventLoopFuture<Void> { self.channel.closeFuture }

    private init(channel: any Channel, handler: NIOLoopBoundBox<RedisChannelHandler?>,
                 configuration: RedisConfiguration, protocolVersion: ProtocolVersion) {
        self.channel = channel
        self.handler = handler
        self.configuration = configuration
        self.protocolVersion = protocolVersion
    }

    /// Connects and performs the handshake: `HELLO 3` (with `AUTH` and `SETNAME`), falling back to
    /// RESP2 `AUTH` + `CLIENT SETNAME` on NOPROTO (or at once when
    /// ``RedisConfiguration/preferredProtocol`` is RESP2); then `SELECT` when a database other than
    /// 0 is set.
    public static func connect(
        configuration: RedisConfiguration,
        eventLoop: any EventLoop = MultiThreadedEventLoopGroup.singleton.any(),
        logger: Logger,
        pushHandler: (@Sendable (RESPValue) -> Void)? = nil
    ) async throws -> RedisConnection {
        let decoderLimits = configuration.decoderLimits
        let maximumPendingReplies = configuration.maximumPendingRequestsPerConnection
        let tlsContext: NIOSSLContext? = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        let serverHostname = configuration.tlsServerName
        let handlerBox = NIOLoopBoundBox.makeEmptyBox(valueType: RedisChannelHandler.self, eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let tlsContext {
                        let sslHandler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverHostname)
                        try sync.addHandler(sslHandler)
                    }
                    let handler = RedisChannelHandler(
                        decoderLimits: decoderLimits, maximumPendingReplies: maximumPendingReplies,
                        pushHandler: pushHandler, logger: logger)
                    try sync.addHandler(handler)
                    handlerBox.value = handler
                }
            }
        let channel: any Channel
        do {
            switch configuration.endpoint {
            case .tcp(let host, let port):
                channel = try await bootstrap.connect(host: host, port: port).get()
            case .unixSocket(let path):
                channel = try await bootstrap.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            throw RedisClientError.connectFailed("\(configuration.endpoint.displayName): \(error)")
        }
        do {
            let version = try await Self.handshake(channel: channel, handler: handlerBox, configuration: configuration)
            return RedisConnection(channel: channel, handler: handlerBox, configuration: configuration,
                                   protocolVersion: version)
        } catch {
            try? await channel.close()
            if error is RedisClientError { throw error }
            throw RedisClientError.connectFailed("handshake: \(error)")
        }
    }

    private static func handshake(channel: any Channel, handler bound: NIOLoopBoundBox<RedisChannelHandler?>,
                                  configuration: RedisConfiguration) async throws -> ProtocolVersion {
        let deadline = NIODeadline.now() + configuration.connectTimeout
        func send(_ command: RESPCommand) async throws -> RESPValue {
            try await withUnsafeThrowingContinuation { continuation in
                let request = RedisRequest(
                    payload: .single(command, continuation), deadline: deadline, isBlocking: false, id: 0)
                channel.eventLoop.execute { Self.send(bound.value, CollectionOfOne(request)) }
            }
        }
        var hello = RESPCommand("HELLO")
        hello.append("3")
        if let password = configuration.password {
            hello.append("AUTH")
            hello.append(configuration.username ?? "default")
            hello.append(password)
        }
        if let name = configuration.clientName {
            hello.append("SETNAME")
            hello.append(name)
        }
        var version = ProtocolVersion.resp3
        if configuration.preferredProtocol == .resp2 {
            version = .resp2
        } else if let message = try await send(hello).errorMessage {
            let error = RedisServerError(message: message)
            guard error.prefix == "NOPROTO" || message.lowercased().contains("unknown command") else { throw error }
            version = .resp2
        }
        if version == .resp2 {
            if let password = configuration.password {
                var auth = RESPCommand("AUTH")
                if let user = configuration.username { auth.append(user) }
                auth.append(password)
                if let message = try await send(auth).errorMessage { throw RedisServerError(message: message) }
            }
            if let name = configuration.clientName {
                if let message = try await send(RESPCommand("CLIENT", ["SETNAME", name])).errorMessage {
                    throw RedisServerError(message: message)
                }
            }
        }
        if configuration.database != 0 {
            if let message = try await send(RESPCommand("SELECT", [String(configuration.database)])).errorMessage {
                throw RedisServerError(message: message)
            }
        }
        return version
    }

    private func nextID() -> UInt64 {
        self.requestIDs.withLockedValue {
            $0 &+= 1
            return $0
        }
    }

    /// Sends one command and waits for its reply.
    ///
    /// - Parameters:
    ///   - timeout: reply deadline; defaults to the configuration's command timeout.
    ///   - isBlocking: closes the connection if the caller is cancelled (for `BLOCK` commands).
    /// - Throws: ``RedisServerError`` for an error reply, ``RedisClientError`` for connection failures
    ///   and timeouts, `CancellationError` when the task is cancelled.
    @discardableResult
    public func send(_ command: RESPCommand, timeout: TimeAmount? = nil, isBlocking: Bool = false) async throws -> RESPValue {
        let reply = try await self.sendRaw(command, timeout: timeout, isBlocking: isBlocking)
        if let message = reply.errorMessage { throw RedisServerError(message: message) }
        return reply
    }

    /// Sends one command; an error reply is returned as a value, not thrown.
    public func sendRaw(_ command: RESPCommand, timeout: TimeAmount? = nil, isBlocking: Bool = false) async throws -> RESPValue {
        try Task.checkCancellation()
        let id = self.nextID()
        let deadline = NIODeadline.now() + (timeout ?? self.configuration.commandTimeout)
        let handler = self.handler
        let eventLoop = self.channel.eventLoop
        return try await withTaskCancellationHandler {
            // The handler resumes the continuation from the event loop with the reply: one hop to
            // the loop to write, one back with the reply, no promise or future in between.
            try await withUnsafeThrowingContinuation { continuation in
                let request = RedisRequest(
                    payload: .single(command, continuation), deadline: deadline, isBlocking: isBlocking, id: id)
                if eventLoop.inEventLoop {
                    Self.send(handler.value, CollectionOfOne(request))
                } else {
                    eventLoop.execute { Self.send(handler.value, CollectionOfOne(request)) }
                }
            }
        } onCancel: {
            eventLoop.execute { handler.value?.cancel(id: id) }
        }
    }

    /// Subscribes to one channel (`SUBSCRIBE`) and returns the confirmation; the channel's messages
    /// then go to the `pushHandler` given to ``connect(configuration:eventLoop:logger:pushHandler:)``
    /// as `["message", channel, payload]` frames (RESP3 push frames, or RESP2 arrays).
    ///
    /// Over RESP2 the connection is in subscribed mode afterwards: send it nothing but
    /// (un)subscriptions, and close it when done.
    @discardableResult
    public func subscribe(_ channel: String, timeout: TimeAmount? = nil) async throws -> RESPValue {
        if self.protocolVersion == .resp2 {
            // Before SUBSCRIBE is written (same event loop, in order): a message may follow the
            // confirmation in the same read.
            let handler = self.handler
            if self.channel.eventLoop.inEventLoop {
                handler.value?.routeRESP2Messages()
            } else {
                self.channel.eventLoop.execute { handler.value?.routeRESP2Messages() }
            }
        }
        return try await self.send(RESPCommand("SUBSCRIBE", [channel]), timeout: timeout)
    }

    /// Sends many commands in one write and returns their replies in order.
    ///
    /// Error replies are values in the result (`.simpleError` / `.bulkError`), so one failed
    /// command does not hide the others' replies. A connection failure throws.
    public func pipeline(_ commands: [RESPCommand], timeout: TimeAmount? = nil) async throws -> [RESPValue] {
        if commands.isEmpty { return [] }
        try Task.checkCancellation()
        let deadline = NIODeadline.now() + (timeout ?? self.configuration.commandTimeout)
        let eventLoop = self.channel.eventLoop
        let handler = self.handler
        let id = self.nextID()
        return try await withTaskCancellationHandler {
            // One request for the whole pipeline: one hop to the loop writes every command, the
            // handler collects the replies in order and resumes the caller once.
            try await withUnsafeThrowingContinuation { continuation in
                let request = RedisRequest(
                    payload: .pipeline(commands, continuation), deadline: deadline, isBlocking: false, id: id)
                eventLoop.execute { Self.send(handler.value, CollectionOfOne(request)) }
            }
        } onCancel: {
            eventLoop.execute { handler.value?.cancel(id: id) }
        }
    }

    private static func send(_ handler: RedisChannelHandler?, _ requests: some Sequence<RedisRequest>) {
        guard let handler else {
            for request in requests { request.fail(RedisClientError.connectionClosed()) }
            return
        }
        handler.send(requests)
    }

    /// Closes the connection; waiting commands fail with ``RedisClientError/connectionClosed(_:)``.
    public func close() async {
        try? await self.channel.close()
    }

    /// Number of commands waiting for replies (read on the event loop).
    func inFlight() async -> Int {
        let handler = self.handler
        return (try? await self.channel.eventLoop.submit { handler.value?.inFlight ?? 0 }.get()) ?? 0
    }

    /// Number of requests waiting unsent behind the pending-request bound (read on the event loop).
    func parked() async -> Int {
        let handler = self.handler
        return (try? await self.channel.eventLoop.submit { handler.value?.parked ?? 0 }.get()) ?? 0
    }
}

extension RedisConfiguration.Endpoint {
    /// `host:port` or the socket path, for messages.
    public var displayName: String {
        switch self {
        case .tcp(let host, let port): return "\(host):\(port)"
        case .unixSocket(let path): return path
        }
    }
}
