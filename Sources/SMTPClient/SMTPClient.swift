import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Tracing
import SMTPProtocol

/// Sends mail through one SMTP relay over a pool of reused, authenticated connections.
///
/// ```swift
/// let client = try SMTPClient(configuration: .init(host: "smtp.example.com", port: 587, security: .startTLS,
///                                                  username: "user", password: "secret"), logger: logger)
/// let delivery = try await client.send(message)
/// await client.shutdown()
/// ```
///
/// Certificates are always verified (system trust store plus ``SMTPClientConfiguration/caFile``).
/// A message that fails on a reused connection because the server had closed it meanwhile is
/// sent once more on a fresh connection; nothing else is retried here (the job engine retries).
public final class SMTPClient: Sendable {
    public let configuration: SMTPClientConfiguration
    let pool: SMTPConnectionPool
    let logger: Logger

    /// Prepares the client (loads the CA file); connects lazily on the first message.
    public init(
        configuration: SMTPClientConfiguration, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) throws(SMTPError) {
        guard !configuration.host.isEmpty, (1...65_535).contains(configuration.port) else { throw .configuration("host and port required") }
        guard configuration.maximumConnections >= 1 else { throw .configuration("maximum connections must be at least 1") }
        var tlsContext: NIOSSLContext?
        if configuration.security != .none {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .fullVerification
            tls.minimumTLSVersion = .tlsv12
            if let caFile = configuration.caFile {
                do {
                    tls.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(caFile))]
                } catch {
                    throw .configuration("cannot read the CA file (SMTP_CA_FILE): \(error)")
                }
            }
            do {
                tlsContext = try NIOSSLContext(configuration: tls)
            } catch {
                throw .configuration("TLS: \(error)")
            }
        }
        self.configuration = configuration
        self.logger = logger
        self.pool = SMTPConnectionPool(configuration: configuration, tlsContext: tlsContext, eventLoopGroup: eventLoopGroup, logger: logger)
    }

    /// Renders `message` and sends it to its `To:` recipients, with `From:` as the envelope sender
    /// unless `envelopeFrom` is given.
    public func send(_ message: MailMessage, envelopeFrom: String? = nil) async throws(SMTPError) -> SMTPDelivery {
        let bytes: [UInt8]
        do {
            bytes = try message.render()
        } catch {
            throw .invalidMessage(error)
        }
        return try await self.send(
            bytes: bytes, from: envelopeFrom ?? message.from.address, to: message.to.map(\.address), requiresSMTPUTF8: message.requiresSMTPUTF8)
    }

    /// Sends already rendered message bytes.
    ///
    /// One client span `smtp send` per message (a child of the caller's span; nothing recorded when
    /// no tracer is bootstrapped): relay host and port, recipient count and, on failure, the
    /// error's ``SMTPError/shortDescription``. Never addresses or content.
    public func send(bytes: [UInt8], from sender: String, to recipients: [String], requiresSMTPUTF8: Bool) async throws(SMTPError) -> SMTPDelivery {
        let result: Result<SMTPDelivery, SMTPError> = await withSpan("smtp send", ofKind: .client) { span in
            if span.isRecording {
                span.attributes["server.address"] = self.configuration.host
                span.attributes["server.port"] = self.configuration.port
                span.attributes["smtp.recipients"] = recipients.count
                span.attributes["smtp.message.size"] = bytes.count
            }
            do throws(SMTPError) {
                let delivery = try await self.sendUntraced(bytes: bytes, from: sender, to: recipients, requiresSMTPUTF8: requiresSMTPUTF8)
                if span.isRecording {
                    span.attributes["smtp.reply.code"] = Int(delivery.reply.code)
                    span.attributes["smtp.recipients.refused"] = delivery.refused.count
                }
                return .success(delivery)
            } catch {
                span.recordError(SMTPSpanFailure(error.shortDescription))
                span.setStatus(SpanStatus(code: .error, message: error.shortDescription))
                return .failure(error)
            }
        }
        return try result.get()
    }

    private func sendUntraced(bytes: [UInt8], from sender: String, to recipients: [String], requiresSMTPUTF8: Bool) async throws(SMTPError) -> SMTPDelivery {
        guard !recipients.isEmpty else { throw .invalidMessage(.invalidMessage("no recipient")) }
        var attempt = 0
        while true {
            attempt += 1
            let lease = try await self.pool.lease()
            do {
                let delivery = try await lease.connection.send(from: sender, to: recipients, data: bytes, requiresSMTPUTF8: requiresSMTPUTF8, reset: lease.used)
                await self.pool.release(lease, reusable: true)
                return delivery
            } catch {
                let reusable = !error.isConnectionFailure && lease.connection.isActive
                await self.pool.release(lease, reusable: reusable)
                // A pooled connection the server dropped while idle: one more try on a fresh one.
                if lease.used, attempt == 1, error.code == .closed {
                    self.logger.debug("smtp pooled connection was closed; retrying on a new one")
                    continue
                }
                throw error
            }
        }
    }

    /// Closes idle connections; call once when done.
    public func shutdown() async {
        await self.pool.shutdown()
    }
}
