import NIOCore
import SMTPProtocol

extension SMTPConnection {
    /// What one session made of a slice of a batch.
    struct BatchOutcome: Sendable {
        /// One result per message, in order.
        var results: [Result<SMTPDelivery, SMTPError>]
        /// Whether the data of any message was written (so sending the slice again elsewhere
        /// could deliver a message twice).
        var dataWritten: Bool
    }

    /// Sends `batch` as consecutive transactions on this one session.
    ///
    /// With PIPELINING (RFC 2920) every write carries the end of the previous message's data and
    /// the next envelope (`[RSET] MAIL RCPT... DATA`), so each message costs one round trip for
    /// its envelope and data together instead of two:
    ///
    ///     C: <data of 1> . MAIL RCPT DATA        S: 250 (data 1)  250 250 354
    ///     C: <data of 2> . MAIL RCPT DATA        S: 250 (data 2)  250 250 354
    ///
    /// A failed transaction does not stop the batch: the next envelope starts with `RSET`. A
    /// connection failure does: the message whose data was written but not confirmed, and every
    /// later one, fail with the connection's error (transient; their jobs retry them).
    func send(batch: [SMTPBatchMessage], reset initialReset: Bool) async -> BatchOutcome {
        var results = [Result<SMTPDelivery, SMTPError>?](repeating: nil, count: batch.count)
        var dataWritten = false
        if !(self.capabilities.pipelining && self.configuration.usePipelining) {
            return await self.sendSequentially(batch, reset: initialReset)
        }
        /// The data (already dot-stuffed) waiting to go out with the next write, and whose it is
        /// (`nil`: the empty data that closes a transaction whose recipients were all refused).
        struct PendingData {
            var index: Int?
            var accepted: [String] = []
            var refused: [SMTPDelivery.Refusal] = []
            var bytes: [UInt8]
        }
        var pending: PendingData?
        var reset = initialReset
        func settle(_ data: PendingData, _ reply: SMTPReply) {
            guard let index = data.index else { return }
            if reply.isPositiveCompletion {
                results[index] = .success(SMTPDelivery(accepted: data.accepted, refused: data.refused, reply: reply))
            } else {
                results[index] = .failure(.reply(reply, to: "the message data"))
                reset = true
            }
        }
        do {
            for (index, message) in batch.enumerated() {
                let envelope: [UInt8]
                let commands: [SMTPCommand]
                do {
                    let parameters = try self.parameters(for: message)
                    commands = SMTPEnvelopeReplies.commands(
                        sender: message.sender, recipients: message.recipients, parameters: parameters, reset: reset)
                    var bytes: [UInt8] = []
                    for command in commands { bytes += try command.bytes() }
                    envelope = bytes
                } catch {
                    results[index] = .failure(Self.smtpError(error))
                    continue
                }
                var bytes: [UInt8] = []
                var expected = commands.count
                let previous = pending
                if let previous {
                    bytes = previous.bytes
                    expected += 1
                    dataWritten = true
                }
                bytes += envelope
                pending = nil
                var replies = try await Self.send(bytes, expecting: expected, on: self.channel)[...]
                if let previous { settle(previous, replies.removeFirst()) }
                switch SMTPEnvelopeReplies.interpret(Array(replies), recipients: message.recipients, reset: reset) {
                case .sendData(let accepted, let refused):
                    pending = PendingData(
                        index: index, accepted: accepted, refused: refused, bytes: SMTPDataEncoder.encode(message.bytes)
                    )
                    reset = false
                case .failed(let error, let mustEndData):
                    results[index] = .failure(error)
                    reset = true
                    if mustEndData { pending = PendingData(index: nil, bytes: SMTPDataEncoder.encode([])) }
                }
            }
            if let last = pending {
                dataWritten = true
                pending = nil
                settle(last, try await Self.send(last.bytes, expecting: 1, on: self.channel)[0])
            }
        } catch {
            let failure = Self.smtpError(error)
            for index in results.indices { results[index] = results[index] ?? .failure(failure) }
        }
        return BatchOutcome(results: results.map { $0 ?? .failure(.closed) }, dataWritten: dataWritten)
    }

    /// Without PIPELINING: one transaction after the other on this session (`RSET` only after a failure).
    private func sendSequentially(_ batch: [SMTPBatchMessage], reset initialReset: Bool) async -> BatchOutcome {
        var results: [Result<SMTPDelivery, SMTPError>] = []
        var reset = initialReset
        var attempted = 0
        for message in batch {
            if let broken = results.last.flatMap({ (result: Result<SMTPDelivery, SMTPError>) -> SMTPError? in
                guard case .failure(let error) = result, error.isConnectionFailure || !self.isActive else { return nil }
                return error
            }) {
                results.append(.failure(broken))
                continue
            }
            do {
                _ = try self.parameters(for: message)  // refused here as on the pipelined path, nothing sent
            } catch {
                results.append(.failure(error))
                continue
            }
            attempted += 1
            do {
                let delivery = try await self.send(
                    from: message.sender, to: message.recipients, data: message.bytes,
                    requiresSMTPUTF8: message.requiresSMTPUTF8, reset: reset)
                results.append(.success(delivery))
                reset = false
            } catch {
                results.append(.failure(error))
                reset = true
            }
        }
        // Without pipelining the stage a failure reached is unknown: only a failure of the very
        // first message counts as "nothing written".
        let firstSucceeded = results.first.map { if case .success = $0 { true } else { false } } ?? false
        return BatchOutcome(results: results, dataWritten: attempted > 1 || firstSucceeded)
    }

    /// The `MAIL FROM` parameters for `message`, or why this server cannot take it.
    private func parameters(for message: SMTPBatchMessage) throws(SMTPError) -> [String] {
        guard !message.recipients.isEmpty else { throw .invalidMessage(.invalidMessage("no recipient")) }
        var parameters: [String] = []
        if self.capabilities.eightBitMIME { parameters.append("BODY=8BITMIME") }
        if message.requiresSMTPUTF8 {
            guard self.capabilities.smtpUTF8 else {
                throw .unsupported("the SMTP server does not offer SMTPUTF8, needed for a non-ASCII address")
            }
            parameters.append("SMTPUTF8")
        }
        if let limit = self.capabilities.maximumSize, limit > 0, message.bytes.count > limit {
            throw .messageTooLarge(size: message.bytes.count, limit: limit)
        }
        if self.capabilities.maximumSize != nil { parameters.append("SIZE=\(message.bytes.count)") }
        return parameters
    }
}
