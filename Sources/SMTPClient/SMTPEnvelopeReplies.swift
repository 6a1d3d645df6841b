import SMTPProtocol

/// What the replies to one pipelined envelope (`[RSET] MAIL RCPT... DATA`) mean. Pure: no I/O,
/// so every combination of replies is unit-tested without a server.
///
/// A server that refuses `MAIL` answers the `RCPT`s and `DATA` that were pipelined behind it with
/// 503 (RFC 2920 section 3.1); one that refused every `RCPT` may still answer `DATA` with 354 (some
/// do), and then the client must end the empty data with a lone dot to get back to a clean state.
public enum SMTPEnvelopeReplies: Sendable {
    /// The server waits for the message data (354); these recipients were accepted, these refused.
    case sendData(accepted: [String], refused: [SMTPDelivery.Refusal])
    /// The transaction failed before the data; `error` is the reason to report. When
    /// `mustEndData` the server answered `DATA` with 354 anyway and expects the data's end.
    case failed(SMTPError, mustEndData: Bool)

    /// Interprets `replies` to `commands` (as built by ``commands(sender:recipients:parameters:reset:)``).
    ///
    /// `replies` may be shorter than the commands (the non-pipelined path stops early); a reply
    /// that is missing counts as not given.
    public static func interpret(_ replies: [SMTPReply], recipients: [String], reset: Bool) -> SMTPEnvelopeReplies {
        var index = 0
        if reset {
            guard let rset = replies.first else {
                return .failed(.protocolViolation("no reply to RSET"), mustEndData: false)
            }
            guard rset.isPositiveCompletion else {
                return .failed(
                    .reply(rset, to: "RSET"),
                    mustEndData: Self.dataOpened(replies, recipients: recipients, reset: reset))
            }
            index += 1
        }
        guard index < replies.count else { return .failed(.protocolViolation("no reply to MAIL"), mustEndData: false) }
        guard replies[index].isPositiveCompletion else {
            return .failed(
                .reply(replies[index], to: "MAIL"),
                mustEndData: Self.dataOpened(replies, recipients: recipients, reset: reset))
        }
        index += 1
        var accepted: [String] = []
        var refused: [SMTPDelivery.Refusal] = []
        for recipient in recipients {
            guard index < replies.count else { break }
            if replies[index].isPositiveCompletion {
                accepted.append(recipient)
            } else {
                refused.append(SMTPDelivery.Refusal(recipient: recipient, reply: replies[index]))
            }
            index += 1
        }
        let data = index < replies.count ? replies[index] : nil
        if accepted.isEmpty {
            let reason = refused.first?.reply ?? data ?? replies[replies.count - 1]
            return .failed(.reply(reason, to: "RCPT"), mustEndData: data?.code == 354)
        }
        guard let data else { return .failed(.protocolViolation("no reply to DATA"), mustEndData: false) }
        guard data.code == 354 else { return .failed(.reply(data, to: "DATA"), mustEndData: false) }
        return .sendData(accepted: accepted, refused: refused)
    }

    /// The envelope commands of one transaction: `RSET` first when `reset`, then `MAIL`, one
    /// `RCPT` per recipient, `DATA`.
    public static func commands(sender: String, recipients: [String], parameters: [String], reset: Bool)
        -> [SMTPCommand]
    {
        var commands: [SMTPCommand] = reset ? [.rset] : []
        commands.append(.mailFrom(sender, parameters: parameters))
        commands += recipients.map { .rcptTo($0, parameters: []) }
        commands.append(.data)
        return commands
    }

    /// Whether the reply to the pipelined `DATA` (the last expected one) is 354.
    private static func dataOpened(_ replies: [SMTPReply], recipients: [String], reset: Bool) -> Bool {
        let dataIndex = (reset ? 1 : 0) + 1 + recipients.count
        return dataIndex < replies.count && replies[dataIndex].code == 354
    }
}
