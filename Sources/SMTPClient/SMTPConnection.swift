import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SMTPProtocol

/// One SMTP session: connected, greeted, secured, authenticated; then any number of mail
/// transactions. Not safe for concurrent use: the pool hands a connection to one task at a time.
public final class SMTPConnection: Sendable {
    let channel: any Channel
    /// What the server offered in its last EHLO.
    public let capabilities: SMTPCapabilities
    let configuration: SMTPClientConfiguration

    private init(channel: any Channel, capabilities: SMTPCapabilities, configuration: SMTPClientConfiguration) {
        self.channel = channel
        self.capabilities = capabilities
        self.configuration = configuration
    }

    /// Whether the TCP connection is still open.
    public var isActive: Bool { self.channel.isActive }

    /// Connects, reads the greeting, says EHLO, upgrades with STARTTLS when configured (and
    /// refuses to go on in plain text if the server does not offer it), and authenticates.
    public static func connect(
        configuration: SMTPClientConfiguration, tlsContext: NIOSSLContext?, eventLoop: any EventLoop, logger: Logger
    ) async throws(SMTPError) -> SMTPConnection {
        let timeout = configuration.commandTimeout
        let implicitTLS = configuration.security == .implicit ? tlsContext : nil
        let serverName = Self.isIPAddress(configuration.host) ? nil : configuration.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPChannelHandler(commandTimeout: timeout))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw .connect("\(configuration.displayName): \(error)")
        }
        do {
            let greeting: SMTPReply
            do {
                greeting = try await Self.expect(on: channel)
            } catch let error as SMTPError where error.code == .closed && implicitTLS != nil {
                throw SMTPError.tls("connection closed during the TLS handshake (certificate not trusted?)")
            }
            guard greeting.code == 220 else { throw SMTPError.reply(greeting, to: "the connection") }
            var capabilities = try await Self.hello(on: channel, name: configuration.heloName)
            if configuration.security == .startTLS {
                guard capabilities.startTLS, let tlsContext else { throw SMTPError.tls("the server does not offer STARTTLS") }
                let reply = try await Self.command(.startTLS, on: channel)
                guard reply.code == 220 else { throw SMTPError.reply(reply, to: "STARTTLS") }
                do {
                    try await channel.eventLoop.submit {
                        let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: serverName)
                        try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                    }.get()
                } catch {
                    throw SMTPError.tls("\(error)")
                }
                do {
                    capabilities = try await Self.hello(on: channel, name: configuration.heloName)
                } catch let error as SMTPError where error.code == .closed {
                    // The handshake failed and closed the channel before EHLO reached the handler.
                    throw SMTPError.tls("connection closed during the TLS handshake (certificate not trusted?)")
                }
            }
            if let username = configuration.username {
                try await Self.authenticate(on: channel, capabilities: capabilities, username: username, password: configuration.password ?? "")
            }
            logger.debug("smtp connected", metadata: ["smtp.server": "\(configuration.displayName)", "smtp.pipelining": "\(capabilities.pipelining)"])
            return SMTPConnection(channel: channel, capabilities: capabilities, configuration: configuration)
        } catch {
            try? await channel.close()
            throw Self.smtpError(error)
        }
    }

    /// Sends one message in one transaction: `MAIL`, `RCPT` per recipient, `DATA` (pipelined when
    /// the server offers PIPELINING), then the dot-stuffed content. `reset` prepends `RSET`, for a
    /// connection that carried a transaction before.
    ///
    /// Recipients the server refuses are reported in the result; when it refuses all of them the
    /// first refusal is thrown.
    public func send(
        from sender: String, to recipients: [String], data message: [UInt8], requiresSMTPUTF8: Bool, reset: Bool
    ) async throws(SMTPError) -> SMTPDelivery {
        do {
            var parameters: [String] = []
            if self.capabilities.eightBitMIME { parameters.append("BODY=8BITMIME") }
            if requiresSMTPUTF8 {
                guard self.capabilities.smtpUTF8 else { throw SMTPError.unsupported("the SMTP server does not offer SMTPUTF8, needed for a non-ASCII address") }
                parameters.append("SMTPUTF8")
            }
            if let limit = self.capabilities.maximumSize, limit > 0, message.count > limit {
                throw SMTPError.messageTooLarge(size: message.count, limit: limit)
            }
            if self.capabilities.maximumSize != nil { parameters.append("SIZE=\(message.count)") }
            var commands: [SMTPCommand] = reset ? [.rset] : []
            commands.append(.mailFrom(sender, parameters: parameters))
            commands += recipients.map { .rcptTo($0, parameters: []) }
            commands.append(.data)

            var replies: [SMTPReply] = []
            if self.capabilities.pipelining && self.configuration.usePipelining {
                replies = try await Self.pipeline(commands, on: self.channel)
            } else {
                sequential: for command in commands {
                    if case .data = command, !replies.dropFirst(reset ? 2 : 1).contains(where: \.isPositiveCompletion) { break }
                    let reply = try await Self.command(command, on: self.channel)
                    replies.append(reply)
                    switch command {
                    case .rset, .mailFrom: if !reply.isPositiveCompletion { break sequential }
                    default: break
                    }
                }
            }
            var index = 0
            if reset {
                guard replies[index].isPositiveCompletion else { throw SMTPError.reply(replies[index], to: "RSET") }
                index += 1
            }
            guard replies.count > index, replies[index].isPositiveCompletion else {
                throw SMTPError.reply(replies[min(index, replies.count - 1)], to: "MAIL")
            }
            index += 1
            var accepted: [String] = []
            var refused: [(String, SMTPReply)] = []
            for recipient in recipients {
                guard index < replies.count else { break }
                if replies[index].isPositiveCompletion { accepted.append(recipient) } else { refused.append((recipient, replies[index])) }
                index += 1
            }
            if accepted.isEmpty {
                // Pipelined DATA got a 503/554; make sure the server is back to a clean state.
                if index < replies.count, replies[index].code == 354 {
                    _ = try await Self.send(SMTPDataEncoder.encode([]), expecting: 1, on: self.channel)
                }
                throw SMTPError.reply(refused.first?.1 ?? replies[replies.count - 1], to: "RCPT")
            }
            guard index < replies.count, replies[index].code == 354 else {
                throw SMTPError.reply(index < replies.count ? replies[index] : replies[replies.count - 1], to: "DATA")
            }
            let final = try await Self.send(SMTPDataEncoder.encode(message), expecting: 1, on: self.channel)[0]
            guard final.isPositiveCompletion else { throw SMTPError.reply(final, to: "the message data") }
            return SMTPDelivery(accepted: accepted, refused: refused.map { SMTPDelivery.Refusal(recipient: $0.0, reply: $0.1) }, reply: final)
        } catch {
            throw Self.smtpError(error)
        }
    }

    /// Says QUIT (best effort) and closes.
    public func close() async {
        if self.channel.isActive {
            _ = try? await Self.command(.quit, on: self.channel)
        }
        try? await self.channel.close()
    }

    // MARK: - Wire helpers

    private static func hello(on channel: any Channel, name: String) async throws -> SMTPCapabilities {
        let reply = try await Self.command(.ehlo(name), on: channel)
        if reply.isPositiveCompletion { return SMTPCapabilities(ehlo: reply) }
        guard reply.isPermanentNegative else { throw SMTPError.reply(reply, to: "EHLO") }
        let helo = try await Self.command(.helo(name), on: channel)
        guard helo.isPositiveCompletion else { throw SMTPError.reply(helo, to: "HELO") }
        return SMTPCapabilities()
    }

    private static func authenticate(on channel: any Channel, capabilities: SMTPCapabilities, username: String, password: String) async throws {
        let mechanisms = capabilities.authMechanisms
        if mechanisms.contains("PLAIN") {
            let reply = try await Self.command(.auth(mechanism: "PLAIN", initialResponse: SASL.plain(username: username, password: password)), on: channel)
            guard reply.code == 235 else { throw SMTPError.reply(reply, to: "AUTH PLAIN") }
        } else if mechanisms.contains("LOGIN") {
            var reply = try await Self.command(.auth(mechanism: "LOGIN", initialResponse: nil), on: channel)
            guard reply.code == 334 else { throw SMTPError.reply(reply, to: "AUTH LOGIN") }
            reply = try await Self.command(.authResponse(SASL.login(username)), on: channel)
            guard reply.code == 334 else { throw SMTPError.reply(reply, to: "AUTH LOGIN") }
            reply = try await Self.command(.authResponse(SASL.login(password)), on: channel)
            guard reply.code == 235 else { throw SMTPError.reply(reply, to: "AUTH LOGIN") }
        } else {
            throw SMTPError.unsupported("the SMTP server offers no supported AUTH mechanism (PLAIN, LOGIN)")
        }
    }

    private static func command(_ command: SMTPCommand, on channel: any Channel) async throws -> SMTPReply {
        try await Self.pipeline([command], on: channel)[0]
    }

    static func pipeline(_ commands: [SMTPCommand], on channel: any Channel) async throws -> [SMTPReply] {
        var bytes: [UInt8] = []
        for command in commands { bytes += try command.bytes() }
        return try await Self.send(bytes, expecting: commands.count, on: channel)
    }

    /// Writes `bytes` and waits for `count` replies.
    static func send(_ bytes: [UInt8], expecting count: Int, on channel: any Channel) async throws -> [SMTPReply] {
        let promises = (0..<count).map { _ in channel.eventLoop.makePromise(of: SMTPReply.self) }
        // If the channel closed before the write reached the handler (a TLS handshake that failed
        // just now), no handler owns the reply promises: fail them here (a second failure is a no-op).
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { error in
            let failure: SMTPError
            if let error = error as? SMTPError {
                failure = error
            } else if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
                failure = .tls("\(error)")
            } else {
                failure = .closed
            }
            for promise in promises { promise.fail(failure) }
        }
        channel.writeAndFlush(SMTPOutbound(bytes: ByteBuffer(bytes: bytes), replies: promises), promise: written)
        var replies: [SMTPReply] = []
        for promise in promises { replies.append(try await promise.futureResult.get()) }
        return replies
    }

    /// Waits for a reply nobody asked for yet (the greeting).
    private static func expect(on channel: any Channel) async throws -> SMTPReply {
        try await Self.send([], expecting: 1, on: channel)[0]
    }

    static func smtpError(_ error: any Error) -> SMTPError {
        if let error = error as? SMTPError { return error }
        if let error = error as? SMTPProtocolError { return .invalidMessage(error) }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError { return .tls("\(error)") }
        return .connect("\(error)")
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
    }
}
