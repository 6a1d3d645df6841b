import Foundation
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import DNSClient

/// The resolver's I/O against in-process UDP sockets: timeouts, retries, spoofed replies, rcodes.
@Suite("DNS resolver (fake sockets)", .timeLimit(.minutes(1)))
struct DNSResolverTests {
    static func resolver(port: Int, timeout: Duration = .milliseconds(300), retries: Int = 2) -> DNSResolver {
        DNSResolver(server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: timeout, retries: retries)
    }

    /// The reply to `query` with `answers` and `flags`, optionally with another ID or question.
    static func reply(
        to query: [UInt8], flags: UInt16 = 0x8180, id: UInt16? = nil, name: String? = nil, answers: [DNSRecord] = []
    ) -> [UInt8] {
        guard let message = try? DNSMessage.decode(query), let question = message.questions.first else { return [] }
        var asked = question
        if let name { asked.name = name }
        return
            (try? DNSMessage(
                header: DNSHeader(id: id ?? message.header.id, flags: flags), questions: [asked], answers: answers
            ).encode()) ?? []
    }

    static let mx = DNSRecord(
        name: "example.com", type: .mx, ttl: 60, data: .mx(preference: 10, exchange: "mx.example.com"))

    @Test func aSilentServerTimesOutAfterTheRetries() async throws {
        try await FakeUDPServer.run(respond: { _ in [] }) { port, queries in
            let started = ContinuousClock.now
            await #expect(throws: DNSResolverError.timeout) {
                try await Self.resolver(port: port, retries: 2).lookup("example.com", .mx)
            }
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(850), "three tries of 300 ms")
            #expect(elapsed < .seconds(5))
            try await waitUntil("three queries") { queries.current == 3 }
        }
    }

    @Test func repliesWithAnotherIDOrQuestionAreIgnored() async throws {
        // Each query gets garbage, a reply with the wrong ID, one for another name, one that is
        // not a response, then the real one.
        let respond: FakeUDPServer.Responder = { query in
            let id = (try? DNSMessage.decodeHeader(query).id) ?? 0
            return [
                [1, 2, 3],
                Self.reply(
                    to: query, id: id &+ 1,
                    answers: [
                        DNSRecord(
                            name: "example.com", type: .mx, ttl: 1, data: .mx(preference: 1, exchange: "evil.example"))
                    ]),
                Self.reply(to: query, name: "other.example", answers: []),
                Self.reply(to: query, flags: 0x0100),
                Self.reply(to: query, answers: [Self.mx]),
            ]
        }
        try await FakeUDPServer.run(respond: respond) { port, queries in
            let result = try await Self.resolver(port: port).lookup("example.com", .mx)
            #expect(result == .answer([Self.mx]))
            #expect(queries.current == 1)
        }
    }

    @Test func aLostReplyIsRetriedWithANewID() async throws {
        let seenIDs = LockedBox<[UInt16]>([])
        let respond: FakeUDPServer.Responder = { query in
            let id = (try? DNSMessage.decodeHeader(query).id) ?? 0
            let count = seenIDs.withLock {
                $0.append(id); return $0.count
            }
            return count < 2 ? [] : [Self.reply(to: query, answers: [Self.mx])]
        }
        try await FakeUDPServer.run(respond: respond) { port, _ in
            let result = try await Self.resolver(port: port).lookup("example.com", .mx)
            #expect(result == .answer([Self.mx]))
        }
        #expect(seenIDs.current.count == 2)
    }

    @Test func serverFailureAndRefusedAreTransientErrorsAndNXDomainIsAnAnswer() async throws {
        let respond: FakeUDPServer.Responder = { query in
            let name = (try? DNSMessage.decode(query))?.questions.first?.name ?? ""
            switch name {
            case "servfail.example": return [Self.reply(to: query, flags: 0x8182)]
            case "refused.example": return [Self.reply(to: query, flags: 0x8185)]
            case "nx.example": return [Self.reply(to: query, flags: 0x8183)]
            case "garbled.example":
                // Right ID and question, then a record that runs past the end.
                return [Self.reply(to: query, flags: 0x8180) + [0, 0, 1, 0, 1]].map { bytes in
                    var bytes = bytes
                    bytes[7] = 1  // ANCOUNT 1
                    return bytes
                }
            default: return [Self.reply(to: query, flags: 0x8180)]
            }
        }
        try await FakeUDPServer.run(respond: respond) { port, queries in
            let resolver = Self.resolver(port: port)
            await #expect(throws: DNSResolverError.serverFailure) { try await resolver.lookup("servfail.example", .mx) }
            await #expect(throws: DNSResolverError.refused) { try await resolver.lookup("refused.example", .mx) }
            let nx = try await resolver.lookup("nx.example", .mx)
            #expect(nx == .nxdomain)
            let noData = try await resolver.lookup("nodata.example", .mx)
            #expect(noData == .noData)
            await #expect(throws: DNSResolverError.malformedReply(.truncated)) {
                try await resolver.lookup("garbled.example", .mx)
            }
            #expect(queries.current == 5, "answers are not retried")
        }
    }

    @Test func invalidNamesFailBeforeAnyQuery() async throws {
        try await FakeUDPServer.run(respond: { _ in [] }) { port, queries in
            let resolver = Self.resolver(port: port)
            await #expect(throws: DNSResolverError.invalidName(.labelTooLong)) {
                try await resolver.lookup(String(repeating: "a", count: 64) + ".com", .a)
            }
            await #expect(throws: DNSResolverError.invalidName(.invalidCharacter)) {
                try await resolver.lookup("한국.kr", .a)
            }
            #expect(!DNSResolverError.invalidName(.emptyLabel).isTransient)
            #expect(queries.current == 0)
        }
    }

    @Test func aClosedPortIsUnreachableOrTimesOut() async throws {
        // Nothing listens there: ICMP port unreachable (connection refused) or silence; both transient.
        let port = try await freeTCPPort()
        do {
            _ = try await Self.resolver(port: port, timeout: .milliseconds(200), retries: 1).lookup("example.com", .a)
            Issue.record("expected an error")
        } catch {
            #expect(error == .connectionFailed || error == .timeout)
            #expect(error.isTransient)
        }
    }
}

/// A clock whose sleeps last a hundredth of what they are asked: proves the resolver measures its
/// timeouts on the injected clock.
struct HundredfoldClock: Clock {
    typealias Duration = Swift.Duration
    typealias Instant = ContinuousClock.Instant
    let base = ContinuousClock()
    var now: Instant { self.base.now }
    var minimumResolution: Duration { self.base.minimumResolution }
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try await self.base.sleep(for: self.base.now.duration(to: deadline) / 100)
    }
}

@Suite("DNS resolver clock", .timeLimit(.minutes(1)))
struct DNSResolverClockTests {
    @Test func timeoutsAreMeasuredOnTheInjectedClock() async throws {
        try await FakeUDPServer.run(respond: { _ in [] }) { port, queries in
            let resolver = DNSResolver(server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: .seconds(20), retries: 1, clock: HundredfoldClock())
            let started = ContinuousClock.now
            await #expect(throws: DNSResolverError.timeout) { try await resolver.lookup("example.com", .a) }
            #expect(ContinuousClock.now - started < .seconds(10), "two tries of 20 s on a clock 100 times faster")
            try await waitUntil("two queries") { queries.current == 2 }
        }
    }
}
