import Foundation
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import DNSClient

/// The resolver's I/O against in-process UDP sockets: timeouts, retries, spoofed replies, rcodes.
///
/// Timeouts run on a ``SteppedClock``: a try times out only when the test advances the clock, so a
/// slow machine never causes a retry, and the query counts below are exact.
@Suite("DNS resolver (fake sockets)", .timeLimit(.minutes(1)))
struct DNSResolverTests {
    static let timeout = Duration.seconds(2)

    static func resolver(port: Int, clock: SteppedClock, retries: Int = 2) -> DNSResolver {
        DNSResolver(
            server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: Self.timeout, retries: retries,
            clock: clock)
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

    /// The name asked in `query`.
    static func name(in query: [UInt8]) -> String { (try? DNSMessage.decode(query))?.questions.first?.name ?? "" }

    /// Waits until the resolver sent its `query`th query and sleeps on `clock` for one timeout
    /// from now, then advances the clock by that timeout: the try times out.
    static func timeOutTry(_ query: Int, queries: LockedBox<Int>, clock: SteppedClock) async throws {
        let deadline = clock.now.offset + Self.timeout
        try await waitUntil("query \(query) waiting for its reply", timeout: .seconds(30)) {
            queries.current == query && clock.sleepingUntil == [deadline]
        }
        clock.advance(by: Self.timeout)
    }

    @Test func aSilentServerTimesOutAfterTheRetries() async throws {
        let clock = SteppedClock()
        try await FakeUDPServer.run(respond: { _ in [] }) { port, queries in
            let resolver = Self.resolver(port: port, clock: clock, retries: 2)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await #expect(throws: DNSResolverError.timeout) { try await resolver.lookup("example.com", .mx) }
                }
                // Each try sends one query and waits exactly one timeout on the injected clock;
                // the next try starts only when that timeout has passed.
                for query in 1...3 { try await Self.timeOutTry(query, queries: queries, clock: clock) }
                try await group.waitForAll()
            }
            #expect(queries.current == 3, "the first try and two retries")
            #expect(clock.sleepingUntil.isEmpty)
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
            // The clock never moves: no try can time out, so one query means the ignored
            // datagrams neither ended the try nor were taken for the answer.
            let result = try await Self.resolver(port: port, clock: SteppedClock()).lookup("example.com", .mx)
            #expect(result == .answer([Self.mx]))
            #expect(queries.current == 1)
        }
    }

    @Test func aLostReplyIsRetriedWithANewID() async throws {
        let clock = SteppedClock()
        let seenIDs = LockedBox<[UInt16]>([])
        let respond: FakeUDPServer.Responder = { query in
            let id = (try? DNSMessage.decodeHeader(query).id) ?? 0
            let ids = seenIDs.withLock {
                $0.append(id)
                return $0
            }
            guard ids.count >= 2 else { return [] }
            // A late reply to the first try (its ID) comes first: it must be ignored.
            let late = DNSRecord(
                name: "example.com", type: .mx, ttl: 1, data: .mx(preference: 1, exchange: "late.example"))
            return [Self.reply(to: query, id: ids[0], answers: [late]), Self.reply(to: query, answers: [Self.mx])]
        }
        try await FakeUDPServer.run(respond: respond) { port, queries in
            let resolver = Self.resolver(port: port, clock: clock)
            try await withThrowingTaskGroup(of: DNSLookupResult.self) { group in
                group.addTask { try await resolver.lookup("example.com", .mx) }
                try await Self.timeOutTry(1, queries: queries, clock: clock)
                // The second try is answered; the clock is not advanced again.
                let result = try await group.next()
                #expect(result == .answer([Self.mx]))
            }
        }
        let ids = seenIDs.current
        #expect(ids.count == 2)
        #expect(ids.count == 2 && ids[0] != ids[1], "each try has its own ID")
    }

    @Test func everyTryGetsAnIDOtherThanThePreviousOne() {
        for previous: UInt16 in [0, 1, 0x8000, 0xFFFF] {
            for _ in 0..<1000 { #expect(DNSResolver.queryID(after: previous) != previous) }
        }
    }

    @Test func serverFailureAndRefusedAreTransientErrorsAndNXDomainIsAnAnswer() async throws {
        let respond: FakeUDPServer.Responder = { query in
            switch Self.name(in: query) {
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
            // The clock never moves: no try times out, so every lookup below sends exactly one query.
            let resolver = Self.resolver(port: port, clock: SteppedClock())
            await #expect(throws: DNSResolverError.serverFailure) { try await resolver.lookup("servfail.example", .mx) }
            await #expect(throws: DNSResolverError.refused) { try await resolver.lookup("refused.example", .mx) }
            #expect(DNSResolverError.serverFailure.isTransient && DNSResolverError.refused.isTransient)
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

    @Test func aCancelledLookupSendsNoFurtherQuery() async throws {
        let clock = SteppedClock()
        let names = LockedBox<[String]>([])
        let respond: FakeUDPServer.Responder = { query in
            let name = Self.name(in: query)
            names.withLock { $0.append(name) }
            return name == "probe.example" ? [Self.reply(to: query)] : []
        }
        try await FakeUDPServer.run(respond: respond) { port, queries in
            let resolver = Self.resolver(port: port, clock: clock, retries: 5)
            try await withThrowingTaskGroup(of: DNSResolverError?.self) { group in
                group.addTask {
                    do throws(DNSResolverError) {
                        _ = try await resolver.lookup("example.com", .mx)
                        return nil
                    } catch {
                        return error
                    }
                }
                try await waitUntil("the first try waiting", timeout: .seconds(30)) {
                    queries.current == 1 && clock.sleepingUntil.count == 1
                }
                group.cancelAll()
                let error = try await group.next() ?? nil
                #expect(error == .timeout)
            }
            // The cancelled lookup ended without the clock moving; a later lookup's query comes
            // after any query the cancelled one might still have sent.
            #expect(try await resolver.lookup("probe.example", .mx) == .noData)
            #expect(names.current == ["example.com", "probe.example"], "no retry after the cancellation")
        }
    }

    @Test func invalidNamesFailBeforeAnyQuery() async throws {
        try await FakeUDPServer.run(respond: { _ in [] }) { port, queries in
            let resolver = Self.resolver(port: port, clock: SteppedClock())
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
        // The real clock here: the outcome may be either, and no reply is waited for.
        let port = try await Self.closedUDPPort()
        do {
            _ = try await DNSResolver(
                server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: .milliseconds(200), retries: 1
            ).lookup("example.com", .a)
            Issue.record("expected an error")
        } catch {
            #expect(error == .connectionFailed || error == .timeout)
            #expect(error.isTransient)
        }
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago (bound to port 0, then closed).
    static func closedUDPPort() async throws -> Int {
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw TestFailure("no UDP port") }
        return port
    }
}

/// The timeouts are measured on the injected clock, for exactly ``DNSResolver/timeout`` per try.
@Suite("DNS resolver clock", .timeLimit(.minutes(1)))
struct DNSResolverClockTests {
    @Test func timeoutsAreMeasuredOnTheInjectedClock() async throws {
        let clock = SteppedClock()
        try await FakeUDPServer.run(respond: { _ in [] }) { port, queries in
            let resolver = DNSResolver(
                server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: .seconds(20), retries: 1,
                clock: clock)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await #expect(throws: DNSResolverError.timeout) { try await resolver.lookup("example.com", .a) }
                }
                try await waitUntil("the first try waiting", timeout: .seconds(30)) {
                    queries.current == 1 && clock.sleepingUntil == [.seconds(20)]
                }
                // Just short of the timeout: the first try still waits.
                clock.advance(by: .seconds(20) - .milliseconds(1))
                #expect(clock.sleepingUntil == [.seconds(20)])
                clock.advance(by: .milliseconds(1))
                try await waitUntil("the second try waiting", timeout: .seconds(30)) {
                    queries.current == 2 && clock.sleepingUntil == [.seconds(40)]
                }
                clock.advance(by: .seconds(20))
                try await group.waitForAll()
            }
            #expect(queries.current == 2)
        }
    }
}
