import Testing

@testable import DNSClient

@Suite("DNS reply interpretation")
struct DNSReplyInterpreterTests {
    static let question = DNSQuestion(name: "example.com", type: .mx)

    static func reply(
        id: UInt16 = 9, flags: UInt16 = 0x8180, question: DNSQuestion = Self.question, answers: [DNSRecord] = []
    ) throws -> [UInt8] {
        try DNSMessage(header: DNSHeader(id: id, flags: flags), questions: [question], answers: answers).encode()
    }

    @Test func onlyTheReplyToOurQueryIsAccepted() throws {
        #expect(DNSReplyInterpreter.isReply(try Self.reply(), to: 9, question: Self.question))
        // Names compare case-insensitively (0x20 randomisation by some resolvers), a trailing dot is the same name.
        #expect(
            DNSReplyInterpreter.isReply(
                try Self.reply(question: DNSQuestion(name: "ExAmPlE.CoM.", type: .mx)), to: 9, question: Self.question))
        #expect(!DNSReplyInterpreter.isReply(try Self.reply(id: 10), to: 9, question: Self.question), "another ID")
        #expect(
            !DNSReplyInterpreter.isReply(try Self.reply(flags: 0x0100), to: 9, question: Self.question),
            "a query, not a reply")
        #expect(
            !DNSReplyInterpreter.isReply(
                try Self.reply(question: DNSQuestion(name: "example.net", type: .mx)), to: 9, question: Self.question))
        #expect(
            !DNSReplyInterpreter.isReply(
                try Self.reply(question: DNSQuestion(name: "example.com", type: .a)), to: 9, question: Self.question))
        #expect(
            !DNSReplyInterpreter.isReply(
                try DNSMessage(header: DNSHeader(id: 9, flags: 0x8180)).encode(), to: 9, question: Self.question),
            "no question")
        #expect(!DNSReplyInterpreter.isReply([], to: 9, question: Self.question))
    }

    @Test func responseCodesMapToResultsOrErrors() throws {
        func result(_ flags: UInt16, answers: [DNSRecord] = []) throws(DNSResolverError) -> DNSLookupResult {
            try DNSReplyInterpreter.result(
                of: DNSMessage(header: DNSHeader(id: 1, flags: flags), questions: [Self.question], answers: answers),
                for: Self.question)
        }
        let mx = DNSRecord(name: "example.com", type: .mx, ttl: 1, data: .mx(preference: 1, exchange: "mx.example.com"))
        #expect(try result(0x8180, answers: [mx]) == .answer([mx]))
        #expect(try result(0x8180) == .noData)
        #expect(try result(0x8183) == .nxdomain)
        #expect(throws: DNSResolverError.serverFailure) { try result(0x8182) }
        #expect(throws: DNSResolverError.refused) { try result(0x8185) }
        #expect(throws: DNSResolverError.responseCode(.formatError)) { try result(0x8181) }
        #expect(
            DNSResolverError.serverFailure.isTransient && DNSResolverError.refused.isTransient
                && DNSResolverError.timeout.isTransient)
        // A CNAME without a record of the asked type is no data for that type.
        let cname = DNSRecord(name: "example.com", type: .cname, ttl: 1, data: .cname("elsewhere.example.net"))
        #expect(try result(0x8180, answers: [cname]) == .noData)
        let followed = try result(
            0x8180,
            answers: [
                cname,
                DNSRecord(
                    name: "elsewhere.example.net", type: .mx, ttl: 1,
                    data: .mx(preference: 5, exchange: "mx.example.net")),
            ])
        #expect(followed.records(of: .mx).count == 1)
    }
}
