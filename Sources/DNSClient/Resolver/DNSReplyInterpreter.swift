/// Pure checks on received replies: does a datagram answer our query, and what does it say.
public enum DNSReplyInterpreter {
    /// Whether `bytes` are a reply to the query `id` for `question`: QR set, same ID, one question,
    /// the same question. Anything else (a late reply to an earlier try, a spoofed or garbled
    /// datagram) is ignored by the resolver. Reads only the header and the question, so it also
    /// accepts truncated (TC) replies.
    public static func isReply(_ bytes: [UInt8], to id: UInt16, question: DNSQuestion) -> Bool {
        var reader = DNSMessageReader(bytes)
        do {
            let replyID = try reader.readUInt16()
            let flags = try reader.readUInt16()
            let questionCount = try reader.readUInt16()
            guard replyID == id, flags & 0x8000 != 0, questionCount == 1 else { return false }
            try reader.skip(6)
            let name = try reader.readName()
            let type = try reader.readUInt16()
            let recordClass = try reader.readUInt16()
            return question.matches(
                DNSQuestion(name: name, type: DNSRecordType(rawValue: type), recordClass: recordClass))
        } catch {
            return false
        }
    }

    /// What a (complete, untruncated) reply to `question` means.
    ///
    /// NXDOMAIN is an answer; SERVFAIL, REFUSED and other codes are errors.
    public static func result(of reply: DNSMessage, for question: DNSQuestion) throws(DNSResolverError)
        -> DNSLookupResult
    {
        switch reply.header.responseCode {
        case .noError:
            // The answer section may hold a CNAME chain that ends without a record of the asked type:
            // that is no data for the asked type.
            if question.type != .cname, !reply.answers.contains(where: { $0.type == question.type }) { return .noData }
            return reply.answers.isEmpty ? .noData : .answer(reply.answers)
        case .nameError:
            return .nxdomain
        case .serverFailure:
            throw .serverFailure
        case .refused:
            throw .refused
        default:
            throw .responseCode(reply.header.responseCode)
        }
    }
}
