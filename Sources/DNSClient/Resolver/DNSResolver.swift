import NIOCore
import NIOPosix

/// A stub resolver: sends one question to one recursive name server and returns its answer.
///
/// UDP first, from a fresh socket (new source port) and a new random 16-bit ID per try; replies whose
/// ID or question do not match are ignored (late or spoofed datagrams). No matching reply within
/// ``timeout`` means another try, up to ``retries`` more; a truncated (TC) reply is asked again
/// over TCP. NXDOMAIN and no-data are results; timeouts, SERVFAIL and REFUSED are transient
/// ``DNSResolverError``s.
///
/// Thread-safe (a value type); every lookup owns its sockets and closes them before returning.
public struct DNSResolver: Sendable {
    /// The recursive name server asked.
    public var server: DNSServerAddress
    /// How long one try waits for a reply (each UDP try, and the TCP exchange as a whole).
    public var timeout: Duration
    /// Tries after the first one when a UDP try times out or the server is unreachable.
    public var retries: Int
    let group: any EventLoopGroup
    let clock: any Clock<Duration>

    /// A resolver asking `server`.
    ///
    /// - Parameters:
    ///   - timeout: per try (default 2 s); with `retries` 2 a dead server fails after about 6 s.
    ///   - clock: measures the timeouts (tests may inject one).
    public init(
        server: DNSServerAddress,
        timeout: Duration = .seconds(2),
        retries: Int = 2,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.server = server
        self.timeout = timeout
        self.retries = max(0, retries)
        self.group = eventLoopGroup
        self.clock = clock
    }

    /// The server of the `DNS_RESOLVER` setting when given (`host:port`), else the first
    /// `nameserver` of `resolvConf` (the system's).
    ///
    /// Throws ``DNSResolverError/invalidConfiguration(_:)`` for a setting that is not `ip[:port]`
    /// or when the system has no usable name server.
    public static func server(setting: String?, resolvConf: () throws -> String) throws(DNSResolverError)
        -> DNSServerAddress
    {
        if let setting, !setting.allSatisfy(\.isWhitespace) {
            guard let address = DNSServerAddress(setting: setting) else {
                throw .invalidConfiguration(
                    "DNS_RESOLVER must be an IP address with an optional port (1.2.3.4:53, [::1]:53)")
            }
            return address
        }
        let text: String
        do {
            text = try resolvConf()
        } catch {
            throw .invalidConfiguration("DNS_RESOLVER is not set and the system resolver configuration cannot be read")
        }
        guard let address = DNSServerAddress.firstNameserver(inResolvConf: text) else {
            throw .invalidConfiguration(
                "DNS_RESOLVER is not set and the system resolver configuration names no name server")
        }
        return address
    }

    /// Asks for the records of `type` at `name` (ASCII; punycode-encode IDNs first).
    ///
    /// A cancelled lookup starts no further try and throws the error of its last one
    /// (``DNSResolverError/timeout`` when the cancellation interrupted a try).
    public func lookup(_ name: String, _ type: DNSRecordType) async throws(DNSResolverError) -> DNSLookupResult {
        let question = DNSQuestion(name: name, type: type)
        // Validate the name once, before any I/O.
        do {
            _ = try DNSMessage.query(id: 0, question: question).encode()
        } catch {
            throw .invalidName(error)
        }
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: self.server.host, port: self.server.port)
        } catch {
            throw .invalidConfiguration("the resolver address is not an IP address")
        }
        var lastError = DNSResolverError.timeout
        var previousID: UInt16?
        for _ in 0...self.retries {
            // A cancelled lookup stops trying: the try it interrupted ends like a timeout, which
            // must not lead to another try.
            if Task.isCancelled { throw lastError }
            let id = Self.queryID(after: previousID)
            previousID = id
            let reply: [UInt8]
            do {
                reply = try await self.withTimeout {
                    try await self.exchangeUDP(id: id, question: question, address: address)
                }
            } catch let error as DNSResolverError {
                lastError = error
                guard error == .timeout || error == .connectionFailed else { throw error }
                continue
            } catch {
                // Cancellation of the lookup: stop trying.
                throw lastError
            }
            let header: DNSHeader
            do {
                header = try DNSMessage.decodeHeader(reply)
            } catch {
                throw .malformedReply(error)
            }
            if header.isTruncated {
                return try await self.lookupTCP(question: question, address: address)
            }
            return try Self.interpret(reply, question: question)
        }
        throw lastError
    }

    /// A random query ID for the next try, never the ID of the previous try.
    static func queryID(after previous: UInt16?) -> UInt16 {
        var id: UInt16
        repeat {
            id = UInt16.random(in: .min ... .max)
        } while id == previous
        return id
    }

    static func interpret(_ reply: [UInt8], question: DNSQuestion) throws(DNSResolverError) -> DNSLookupResult {
        let message: DNSMessage
        do {
            message = try DNSMessage.decode(reply)
        } catch {
            throw .malformedReply(error)
        }
        return try DNSReplyInterpreter.result(of: message, for: question)
    }

    private func lookupTCP(question: DNSQuestion, address: SocketAddress) async throws(DNSResolverError)
        -> DNSLookupResult
    {
        let id = UInt16.random(in: .min ... .max)
        let reply: [UInt8]
        do {
            reply = try await self.withTimeout {
                try await self.exchangeTCP(id: id, question: question, address: address)
            }
        } catch let error as DNSResolverError {
            throw error
        } catch {
            throw .connectionFailed
        }
        guard DNSReplyInterpreter.isReply(reply, to: id, question: question) else {
            throw .malformedReply(.truncated)
        }
        return try Self.interpret(reply, question: question)
    }

    /// Runs `body`, throwing ``DNSResolverError/timeout`` when it takes longer than ``timeout``
    /// (the body is cancelled, which closes its socket).
    private func withTimeout<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let clock = self.clock
        let timeout = self.timeout
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await clock.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw DNSResolverError.timeout }
            return value
        }
    }

    /// One UDP try: sends the query from a fresh connected socket and returns the first datagram
    /// that answers it.
    private func exchangeUDP(id: UInt16, question: DNSQuestion, address: SocketAddress) async throws -> [UInt8] {
        let query = try DNSMessage.query(id: id, question: question).encode()
        let channel: NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>
        do {
            channel = try await DatagramBootstrap(group: self.group)
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw DNSResolverError.connectionFailed
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: query)))
                for try await envelope in inbound {
                    let bytes = Array(buffer: envelope.data)
                    if DNSReplyInterpreter.isReply(bytes, to: id, question: question) { return bytes }
                }
                // The stream ends when the try is cancelled (timeout).
                throw DNSResolverError.timeout
            }
        } catch let error as DNSResolverError {
            throw error
        } catch is CancellationError {
            throw DNSResolverError.timeout
        } catch {
            // ECONNREFUSED from an ICMP port unreachable, and other socket errors.
            throw DNSResolverError.connectionFailed
        }
    }

    /// The TCP exchange (RFC 1035 section 4.2.2, RFC 7766): two-byte length prefix each way.
    private func exchangeTCP(id: UInt16, question: DNSQuestion, address: SocketAddress) async throws -> [UInt8] {
        let query = try DNSMessage.query(id: id, question: question).encode()
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: self.group)
                .connectTimeout(
                    .nanoseconds(
                        Int64(self.timeout.components.seconds) * 1_000_000_000 + self.timeout.components.attoseconds
                            / 1_000_000_000)
                )
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw DNSResolverError.connectionFailed
        }
        do {
            return try await channel.executeThenClose { inbound, outbound in
                var request = ByteBuffer()
                request.writeInteger(UInt16(query.count))
                request.writeBytes(query)
                try await outbound.write(request)
                var received = ByteBuffer()
                for try await chunk in inbound {
                    var chunk = chunk
                    received.writeBuffer(&chunk)
                    if let length = received.getInteger(at: received.readerIndex, as: UInt16.self),
                        received.readableBytes >= 2 + Int(length)
                    {
                        return received.getBytes(at: received.readerIndex + 2, length: Int(length)) ?? []
                    }
                }
                throw DNSResolverError.malformedReply(.truncated)
            }
        } catch let error as DNSResolverError {
            throw error
        } catch is CancellationError {
            throw DNSResolverError.timeout
        } catch {
            throw DNSResolverError.connectionFailed
        }
    }
}
