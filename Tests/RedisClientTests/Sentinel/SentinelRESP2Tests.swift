import Foundation
import Logging
import NIOCore
import NIOPosix
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// RESP2 pub/sub message frames, recognised apart from replies (pure).
@Suite("RESP2 pub/sub message frames")
struct RESP2PubSubMessageTests {
    private func bulk(_ text: String) -> RESPValue { .bulkString(ByteBuffer(string: text)) }

    @Test func messagesOfEachKind() {
        #expect(RESP2PubSubMessage.isMessage(.array([bulk("message"), bulk("ch"), bulk("payload")])))
        #expect(RESP2PubSubMessage.isMessage(.array([bulk("MESSAGE"), bulk("ch"), bulk("")])))
        #expect(RESP2PubSubMessage.isMessage(.array([bulk("smessage"), bulk("ch"), bulk("x")])))
        #expect(RESP2PubSubMessage.isMessage(.array([bulk("pmessage"), bulk("p*"), bulk("ch"), bulk("x")])))
        #expect(
            RESP2PubSubMessage.isMessage(.array([.simpleString(ByteBuffer(string: "message")), bulk("c"), bulk("x")])))
    }

    @Test func repliesAndGarbageAreNotMessages() {
        // Confirmations and ordinary replies are matched to their request.
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("subscribe"), bulk("ch"), .integer(1)])))
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("127.0.0.1"), bulk("6379")])))
        #expect(!RESP2PubSubMessage.isMessage(bulk("message")))
        #expect(!RESP2PubSubMessage.isMessage(.null))
        #expect(!RESP2PubSubMessage.isMessage(.array([])))
        // Truncated or padded frames.
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("message")])))
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("message"), bulk("ch")])))
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("message"), bulk("ch"), bulk("x"), bulk("y")])))
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("pmessage"), bulk("ch"), bulk("x")])))
        // Hostile first elements: numbers, nested arrays, an oversized kind.
        #expect(!RESP2PubSubMessage.isMessage(.array([.integer(7), bulk("ch"), bulk("x")])))
        #expect(!RESP2PubSubMessage.isMessage(.array([.array([bulk("message")]), bulk("ch"), bulk("x")])))
        #expect(
            !RESP2PubSubMessage.isMessage(.array([bulk(String(repeating: "m", count: 1 << 20)), bulk("c"), bulk("x")])))
        #expect(!RESP2PubSubMessage.isMessage(.array([bulk("message\u{0}"), bulk("ch"), bulk("x")])))
        // A RESP3 push frame is not a RESP2 array (it is routed as a push anyway).
        #expect(!RESP2PubSubMessage.isMessage(.push([bulk("message"), bulk("ch"), bulk("x")])))
    }
}

/// Fake sentinels that speak RESP2 only (`HELLO` is an unknown command, as on Redis 5) or refuse
/// `SUBSCRIBE`: `+switch-master` must still be followed.
@Suite("Sentinel mode over RESP2 (fake sentinels)", .timeLimit(.minutes(1)))
struct SentinelRESP2FakeTests {
    static let helloUnknown = "-ERR unknown command 'HELLO', with args beginning with: '3' \r\n"
    static let confirmation = "*3\r\n$9\r\nsubscribe\r\n$14\r\n+switch-master\r\n:1\r\n"

    static func masterReply(_ port: Int) -> String {
        let text = String(port)
        return "*2\r\n$9\r\n127.0.0.1\r\n$\(text.utf8.count)\r\n\(text)\r\n"
    }

    static func message(_ payload: String) -> String {
        "*3\r\n$7\r\nmessage\r\n$14\r\n+switch-master\r\n$\(payload.utf8.count)\r\n\(payload)\r\n"
    }

    /// A resolver for the fake sentinel on `port`, master name `bp`.
    static func resolver(sentinelPort port: Int, pollInterval: Duration = .seconds(1), resp2: Bool = false)
        -> SentinelMasterResolver
    {
        var base = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port))
        base.connectTimeout = .seconds(5)
        if resp2 { base.preferredProtocol = .resp2 }
        var sentinel = RedisSentinelConfiguration(sentinels: [.init(host: "127.0.0.1", port: port)], masterName: "bp")
        sentinel.pollInterval = pollInterval
        return SentinelMasterResolver(base: base, sentinel: sentinel, logger: TestRedis.logger)
    }

    /// Runs the resolver's monitor while `body` runs.
    static func monitoring<T: Sendable>(
        _ resolver: SentinelMasterResolver, changes: LockedBox<Int>, _ body: () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await resolver.monitor { changes.withLock { $0 += 1 } } }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    @Test func switchMasterArrivesAsARESP2Array() async throws {
        let commands = LockedBox<[String]>([])
        // The sentinel's answer stays stale: only the event can name the new master.
        let sentinel = try await FakeRedisServer.start { _, command in
            commands.withLock { $0.append(command.first?.uppercased() ?? "") }
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(Self.helloUnknown)
            case "SENTINEL": return .bytes(Self.masterReply(1111))
            case "SUBSCRIBE":
                // The event in the same write as the confirmation: routed before anyone reads it.
                return .bytes(Self.confirmation + Self.message("bp 127.0.0.1 1111 127.0.0.1 2222"))
            default: return .bytes("-ERR unknown command\r\n")
            }
        }
        defer { sentinel.stop() }
        let resolver = Self.resolver(sentinelPort: sentinel.port)
        let changes = LockedBox(0)
        try await Self.monitoring(resolver, changes: changes) {
            try await waitUntil("the switch to be followed") { changes.current >= 1 }
        }
        #expect(resolver.currentMaster == .init(host: "127.0.0.1", port: 2222))
        #expect(changes.current == 1)
        #expect(commands.current.contains("SUBSCRIBE"))
        #expect(commands.current.first == "HELLO", "the client asked for RESP3 first")
    }

    @Test func clientChoosingRESP2NeverSendsHello() async throws {
        let commands = LockedBox<[String]>([])
        let sentinel = try await FakeRedisServer.start { _, command in
            commands.withLock { $0.append(command.first?.uppercased() ?? "") }
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(FakeRedisServer.helloReply)
            case "SENTINEL": return .bytes(Self.masterReply(1111))
            case "SUBSCRIBE": return .bytes(Self.confirmation + Self.message("bp 127.0.0.1 1111 127.0.0.1 3333"))
            default: return .bytes("-ERR unknown command\r\n")
            }
        }
        defer { sentinel.stop() }
        let resolver = Self.resolver(sentinelPort: sentinel.port, resp2: true)
        let changes = LockedBox(0)
        try await Self.monitoring(resolver, changes: changes) {
            try await waitUntil("the switch to be followed") { changes.current >= 1 }
        }
        #expect(resolver.currentMaster?.port == 3333)
        #expect(!commands.current.contains("HELLO"))
    }

    @Test func hostileEventsAreIgnoredWithoutACrash() async throws {
        let subscriptions = LockedBox(0)
        let sentinel = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(Self.helloUnknown)
            case "SENTINEL": return .bytes(Self.masterReply(1111))
            case "SUBSCRIBE":
                let round = subscriptions.withLock {
                    $0 += 1
                    return $0
                }
                let hostile = [
                    // Other masters, bad ports, truncated and oversized payloads: ignored.
                    Self.message("other 127.0.0.1 1111 127.0.0.1 2222"),
                    Self.message("bp 127.0.0.1 1111 127.0.0.1 99999"),
                    Self.message("bp 127.0.0.1 1111"),
                    Self.message("bp " + String(repeating: "x", count: 100_000)),
                    Self.message(""),
                    // A message on another channel.
                    "*3\r\n$7\r\nmessage\r\n$5\r\nother\r\n$3\r\nabc\r\n",
                ].joined()
                // Then, on the first connection only, an array nobody asked for (not a message):
                // a protocol error that closes the connection; the monitor subscribes again.
                return .bytes(Self.confirmation + hostile + (round == 1 ? "*1\r\n$7\r\nmessage\r\n" : ""))
            default: return .bytes("-ERR unknown command\r\n")
            }
        }
        defer { sentinel.stop() }
        let resolver = Self.resolver(sentinelPort: sentinel.port)
        let changes = LockedBox(0)
        try await Self.monitoring(resolver, changes: changes) {
            try await waitUntil("the monitor to subscribe again after the protocol error") {
                subscriptions.current >= 2
            }
            try await waitUntil("the master to be resolved") { resolver.currentMaster != nil }
        }
        #expect(changes.current == 0)
        #expect(resolver.currentMaster?.port == 1111)
    }

    @Test func sentinelRefusingSubscribeIsPolled() async throws {
        let masterPort = LockedBox(1111)
        let polls = LockedBox(0)
        let sentinel = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(Self.helloUnknown)
            case "SENTINEL":
                polls.withLock { $0 += 1 }
                return .bytes(Self.masterReply(masterPort.current))
            case "SUBSCRIBE": return .bytes("-ERR unknown command 'SUBSCRIBE'\r\n")
            default: return .bytes("-ERR unknown command\r\n")
            }
        }
        defer { sentinel.stop() }
        let resolver = Self.resolver(sentinelPort: sentinel.port, pollInterval: .milliseconds(50))
        let changes = LockedBox(0)
        try await Self.monitoring(resolver, changes: changes) {
            try await waitUntil("the master to be resolved") { resolver.currentMaster?.port == 1111 }
            let before = polls.current
            try await waitUntil("a few polls") { polls.current >= before + 3 }
            #expect(changes.current == 0)
            masterPort.withLock { $0 = 4444 }
            try await waitUntil("the poll to notice the new master") { changes.current >= 1 }
        }
        #expect(resolver.currentMaster?.port == 4444)
    }

    @Test func garbageReplyToAPollMovesToTheNextSentinel() async throws {
        let connections = LockedBox(0)
        let sentinel = try await FakeRedisServer.start { index, command in
            switch command.first?.uppercased() {
            case "HELLO":
                connections.withLock { $0 += 1 }
                return .bytes(Self.helloUnknown)
            // The first answer of each connection is sane, the polls get garbage.
            case "SENTINEL": return .bytes(index <= 2 ? Self.masterReply(1111) : "*2\r\n:1\r\n$3\r\nabc\r\n")
            case "SUBSCRIBE": return .bytes("-ERR unknown command 'SUBSCRIBE'\r\n")
            default: return .bytes("-ERR unknown command\r\n")
            }
        }
        defer { sentinel.stop() }
        let resolver = Self.resolver(sentinelPort: sentinel.port, pollInterval: .milliseconds(20))
        let changes = LockedBox(0)
        try await Self.monitoring(resolver, changes: changes) {
            try await waitUntil("the monitor to reconnect after a bad poll reply") { connections.current >= 4 }
        }
        #expect(changes.current == 0)
        #expect(resolver.currentMaster?.port == 1111)
    }
}

/// Real sentinels, with the client choosing RESP2: `+switch-master` arrives on a subscribed RESP2
/// connection.
@Suite(
    "Sentinel mode over RESP2 (real sentinels)", .enabled(if: TestSentinel.privateSetsRun), .serialized,
    .timeLimit(.minutes(4)))
struct SentinelRESP2RealTests {
    @Test func plannedFailoverIsFollowedOverRESP2() async throws {
        try await withPrivateSentinelSet { set in
            var base = try set.configuration()
            base.preferredProtocol = .resp2
            let sentinel = try #require(base.sentinel)
            let resolver = SentinelMasterResolver(base: base, sentinel: sentinel, logger: TestRedis.logger)
            let changes = LockedBox(0)
            try await SentinelRESP2FakeTests.monitoring(resolver, changes: changes) {
                _ = try await resolver.askSentinels(eventLoop: MultiThreadedEventLoopGroup.singleton.next())
                // The monitor's connection is subscribed, over RESP2, on one of the sentinels.
                @Sendable func resp2Subscribers() async throws -> Set<String> {
                    var found = Set<String>()
                    for port in set.sentinelPorts {
                        let list = try await set.sentinelCommand(port, ["CLIENT", "LIST"]).string ?? ""
                        for line in list.split(separator: "\n")
                        where line.contains(" sub=1 ") && (line.contains(" resp=2 ") || line.hasSuffix(" resp=2")) {
                            if let id = line.split(separator: " ").first { found.insert("\(port)/\(id)") }
                        }
                    }
                    return found
                }
                try await waitUntil("a RESP2 subscriber on a sentinel") { try await !resp2Subscribers().isEmpty }
                let subscribers = try await resp2Subscribers()
                let (from, to) = try await set.failover()
                #expect(from != to)
                try await waitUntil("the monitor to follow the failover", timeout: .seconds(30)) {
                    resolver.currentMaster?.port == to
                }
                #expect(changes.current >= 1)
                // Followed through the event on that same connection, not by subscribing again
                // after a dropped one (a RESP2 message taken for a reply would close it).
                #expect(!subscribers.isDisjoint(with: try await resp2Subscribers()))
            }
        }
    }

    @Test func clientOverRESP2FollowsAKilledMaster() async throws {
        try await withPrivateSentinelSet { set in
            var configuration = try set.configuration()
            configuration.preferredProtocol = .resp2
            configuration.commandTimeout = .seconds(3)
            try await withClient(configuration) { client in
                #expect(try await client.withConnection { $0.protocolVersion } == .resp2)
                let key = TestRedis.key()
                _ = try await client.pipeline([RESPCommand("SET", [key, "kept"]), RESPCommand("WAIT", ["1", "5000"])])
                let old = try await set.master()
                try await old.kill9()
                try await waitUntil("the promoted replica to take writes", timeout: .seconds(90)) {
                    (try? await client.send("SET", TestRedis.key(), "x"))?.string == "OK"
                }
                #expect(try await client.send("GET", key).string == "kept")
                #expect(client.pool.sentinel?.currentMaster?.port != old.port)
                try await set.restartAsReplica(old)
                try await set.waitUntilSettled()
                try await client.send("DEL", key)
            }
        }
    }
}
