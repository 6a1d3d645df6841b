import Logging
import NIOCore
import NIOFileSystem
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A clamd client over TCP or a unix socket: scans a file with `INSTREAM`, and answers health
/// checks with `PING` and `VERSION`.
///
/// One connection per call (clamd closes the connection after each `z` command without
/// `IDSESSION`). The file is streamed in chunks of ``Configuration/chunkSize`` bytes, never held
/// whole in memory. The protocol (framing, reply parsing) lives in `Protocol/` as pure value
/// types; this type only moves bytes.
///
/// Failures are ``ClamdError``s: ``ClamdError/isTransient`` tells the caller's breaker whether the
/// scanner is at fault. A file that cannot be scanned must not be accepted (fail closed).
public struct ClamdClient: Sendable {
    /// Where clamd is and how long to wait for it.
    public struct Configuration: Sendable {
        /// `CLAMD_ADDRESS`.
        public var address: ClamdAddress
        /// Time to establish the connection.
        public var connectTimeout: Duration
        /// Time for the whole exchange once connected (sending the file and reading the verdict).
        public var timeout: Duration
        /// Bytes per INSTREAM chunk (and per file read).
        public var chunkSize: Int

        public init(
            address: ClamdAddress, connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(120),
            chunkSize: Int = 64 * 1024
        ) {
            self.address = address
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.chunkSize = max(1, min(chunkSize, 16 << 20))
        }
    }

    /// The settings it was made with.
    public let configuration: Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; it holds no connection between calls.
    public init(
        configuration: Configuration, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
    }

    /// Scans the file at `path` with `INSTREAM`.
    ///
    /// - Throws: ``ClamdError/sizeLimitExceeded`` when the file is longer than clamd's
    ///   `StreamMaxLength` (permanent: refuse the file); ``ClamdError/fileUnreadable``; transient
    ///   errors when clamd is unreachable, closes the connection, is too slow or answers garbage.
    public func scan(fileAt path: String) async throws(ClamdError) -> ScanResult {
        let chunkSize = self.configuration.chunkSize
        let reply = try await self.exchange { inbound, outbound throws(ClamdError) -> ByteBuffer in
            var sendError: ClamdError?
            do {
                try await outbound.write(ClamdCommand.instream.encoded)
                try await Self.streamFile(at: path, chunkSize: chunkSize, to: outbound)
                try await outbound.write(ClamdStreamFraming.terminator)
            } catch let error as ClamdError where error == .fileUnreadable {
                throw error
            } catch {
                // clamd answers a stream over its limit with an error and closes: our writes then
                // fail, and its reply (if it got out) is still waiting in the inbound stream.
                sendError = .unavailable("connection closed while sending (\(Self.describe(error)))")
            }
            if let reply = try await Self.firstReply(inbound) { return reply }
            throw sendError ?? .unavailable("connection closed before a reply")
        }
        switch try ClamdReply.parseScanReply(reply.readableBytesView) {
        case .clean: return .clean
        case .found(let signature): return .infected(signature: signature)
        case .sizeLimitExceeded: throw .sizeLimitExceeded("longer than clamd's StreamMaxLength")
        case .error(let message): throw .scanFailed(message)
        case .pong, .version: throw .invalidReply("unexpected reply to INSTREAM")
        }
    }

    /// `PING`: returns when clamd answers `PONG`.
    public func ping() async throws(ClamdError) {
        let reply = try await self.command(.ping)
        _ = try ClamdReply.parsePingReply(reply.readableBytesView)
    }

    /// `VERSION`: clamd's engine and database version line (e.g. `ClamAV 1.4.6/27000/...`).
    public func version() async throws(ClamdError) -> String {
        let reply = try await self.command(.version)
        guard case .version(let text) = try ClamdReply.parseVersionReply(reply.readableBytesView) else {
            throw .invalidReply("unexpected reply to VERSION")
        }
        return text
    }

    // MARK: I/O

    private func command(_ command: ClamdCommand) async throws(ClamdError) -> ByteBuffer {
        try await self.exchange { inbound, outbound throws(ClamdError) -> ByteBuffer in
            do {
                try await outbound.write(command.encoded)
            } catch {
                throw .unavailable("connection closed while sending (\(Self.describe(error)))")
            }
            guard let reply = try await Self.firstReply(inbound) else {
                throw .unavailable("connection closed before a reply")
            }
            return reply
        }
    }

    /// Reads the file in chunks and writes each as an INSTREAM frame.
    private static func streamFile(
        at path: String, chunkSize: Int, to outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) async throws {
        // A scoped handle: closed even when the exchange is cancelled (its deadline passed, or
        // clamd closed the connection); a handle dropped unclosed is a fatal error in NIOFileSystem.
        do {
            try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                for try await chunk in handle.readChunks(chunkLength: .bytes(Int64(chunkSize))) {
                    try await outbound.write(ClamdStreamFraming.frame(chunk))
                }
            }
        } catch let error as FileSystemError where !Task.isCancelled {
            // Not a read interrupted by the exchange ending: the file itself cannot be read.
            throw ClamdError.fileUnreadable(Self.describe(error))
        }
    }

    /// The first reply, or `nil` when the connection ended without one.
    private static func firstReply(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws(ClamdError)
        -> ByteBuffer?
    {
        do {
            var iterator = inbound.makeAsyncIterator()
            return try await iterator.next()
        } catch let error as ClamdError {
            throw error
        } catch {
            if Task.isCancelled { return nil }
            throw .unavailable("connection failed before a reply (\(Self.describe(error)))")
        }
    }

    /// Connects, runs `body` within the exchange deadline, closes the connection.
    private func exchange(
        _ body:
            @escaping @Sendable (
                NIOAsyncChannelInboundStream<ByteBuffer>, NIOAsyncChannelOutboundWriter<ByteBuffer>
            ) async throws(ClamdError) -> ByteBuffer
    ) async throws(ClamdError) -> ByteBuffer {
        let channel = try await self.connect()
        let timeout = self.configuration.timeout
        let deadline = ContinuousClock.now.advanced(by: timeout)
        do {
            return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask {
                    try await channel.executeThenClose { inbound, outbound in
                        try await body(inbound, outbound)
                    }
                }
                group.addTask {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    return nil
                }
                defer {
                    group.cancelAll()
                    // Ends the body's reads and writes at once (cancellation alone may not).
                    channel.channel.close(promise: nil)
                }
                guard let first = try await group.next(), let reply = first else {
                    throw ClamdError.timedOut(after: timeout)
                }
                return reply
            }
        } catch let error as ClamdError {
            throw error
        } catch is CancellationError {
            throw .unavailable("cancelled")
        } catch {
            throw .unavailable(Self.describe(error))
        }
    }

    private func connect() async throws(ClamdError) -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let bootstrap = ClientBootstrap(group: self.eventLoopGroup)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<ByteBuffer, ByteBuffer>> = {
            channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(ClamdReplyDecoder()))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        do {
            switch self.configuration.address {
            case .tcp(let host, let port):
                return try await bootstrap.connect(host: host, port: port, channelInitializer: initializer)
            case .unix(let path):
                return try await bootstrap.connect(unixDomainSocketPath: path, channelInitializer: initializer)
            }
        } catch {
            self.logger.debug(
                "clamd connection failed",
                metadata: ["clamd.address": "\(self.configuration.address)", "error": "\(error)"])
            throw .unavailable("cannot connect to \(self.configuration.address): \(Self.describe(error))")
        }
    }

    /// A short description of an I/O error (no file content can be in it).
    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as IOError: return "\(error)"
        case let error as ChannelError: return "\(error)"
        case let error as FileSystemError: return "\(error.code)"
        default: return String("\(error)".prefix(200))
        }
    }
}
