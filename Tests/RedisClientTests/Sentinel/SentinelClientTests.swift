import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// Sentinel mode against real sentinels: the shared set of scripts/test-servers/redis-sentinel.sh
/// for resolution, private sets (Tests/TestSupport/PrivateSentinelSet.swift) for failovers.
@Suite("Sentinel mode against real sentinels", .enabled(if: TestSentinel.suitesRun), .timeLimit(.minutes(3)))
struct SentinelClientTests {
    @Test func resolvesTheMasterThroughTheSentinels() async throws {
        try await withClient(try TestSentinel.configuration()) { client in
            let key = TestRedis.key()
            #expect(try await client.send("SET", key, "v").string == "OK")
            #expect(try await client.send("GET", key).string == "v")
            #expect(try RedisRole.parse(try await client.send(RESPCommand("ROLE"))).isMaster)
            let master = try #require(client.pool.sentinel?.currentMaster)
            #expect(master.port == TestSentinel.masterPort)
            try await client.send("DEL", key)
        }
    }

    @Test func deadSentinelsAreSkipped() async throws {
        let url = try #require(TestSentinel.url)
        try await withClosedTCPPort { dead in
            var configuration = try RedisConfiguration(
                url: url.replacingOccurrences(of: "sentinel://", with: "sentinel://127.0.0.1:\(dead),"))
            configuration.connectTimeout = .seconds(15)
            #expect(configuration.sentinel?.sentinels.count == 4)
            try await withClient(configuration) { client in
                #expect(try await client.send("PING").string == "PONG")
                // The sentinel that answered is asked first from now on.
                let resolver = try #require(client.pool.sentinel)
                _ = try await resolver.askSentinels(eventLoop: client.eventLoopGroup.next())
                #expect(resolver.currentMaster?.port == TestSentinel.masterPort)
            }
        }
    }

    @Test func unknownMasterNameFailsClearly() async throws {
        let url = try #require(TestSentinel.url)
        var configuration = try RedisConfiguration(
            url: url.replacingOccurrences(of: "/bpmaster", with: "/no-such-master"))
        configuration.connectTimeout = .seconds(2)
        try await withClient(configuration) { client in
            do {
                _ = try await client.send("PING")
                Issue.record("PING succeeded without a master")
            } catch let error as RedisClientError {
                #expect(error.message.contains("master no-such-master via sentinels"), "\(error)")
            }
        }
    }

    @Test func producerWaitForReplicas() async throws {
        try await withClient(try TestSentinel.configuration()) { client in
            let key = TestRedis.key()
            let replies = try await client.pipeline([
                RESPCommand("SET", [key, "1"]), RESPCommand("WAIT", ["1", "5000"]),
            ])
            #expect(replies[1].int == 1)
            // Two replicas do not exist: WAIT returns what it got once its timeout passed.
            let short = try await client.pipeline([RESPCommand("SET", [key, "2"]), RESPCommand("WAIT", ["2", "100"])])
            #expect(short[1].int == 1)
            try await client.send("DEL", key)
        }
    }
}

/// Failovers on private sentinel sets: the shared one keeps its master.
@Suite(
    "Sentinel failover (private sentinels)", .enabled(if: TestSentinel.privateSetsRun), .serialized,
    .timeLimit(.minutes(4)))
struct SentinelFailoverClientTests {
    @Test func plannedFailoverMovesTheConnections() async throws {
        try await withPrivateSentinelSet { set in
            var configuration = try set.configuration()
            configuration.commandTimeout = .seconds(3)
            try await withClient(configuration) { client in
                let key = TestRedis.key()
                try await client.send("SET", key, "before")
                let reconnections = client.reconnections
                let (from, to) = try await set.failover()
                #expect(from != to)
                // Commands in flight during the switch may fail; afterwards everything goes to the new master.
                try await waitUntil("writes to reach the new master", timeout: .seconds(60)) {
                    guard (try? await client.send("SET", key, "after"))?.string == "OK" else { return false }
                    return client.pool.sentinel?.currentMaster?.port == to
                }
                // The pool's other connections may still be moving (the old master drops its
                // clients when demoted, a late READONLY closes the rest): a command may fail once
                // more, then plain, blocking and exclusive commands all reach the new master.
                try await waitUntil("every kind of command to reach the new master", timeout: .seconds(30)) {
                    do {
                        guard try RedisRole.parse(try await client.send(RESPCommand("ROLE"))).isMaster else { return false }
                        _ = try await client.sendBlocking(
                            RESPCommand("BLPOP", [TestRedis.key(), "0.05"]), blockFor: .milliseconds(50))
                        let role = try await client.withConnection { connection in
                            try RedisRole.parse(try await connection.send(RESPCommand("ROLE")))
                        }
                        return role.isMaster
                    } catch let error as RedisClientError where error.isConnectionFailure {
                        return false
                    }
                }
                #expect(client.pool.sentinel?.currentMaster?.port == to)
                try await waitUntil("the pool to count its reconnections") { client.reconnections > reconnections }
            }
        }
    }

    @Test func killedMasterIsReplacedByThePromotedReplica() async throws {
        try await withPrivateSentinelSet { set in
            var configuration = try set.configuration()
            configuration.commandTimeout = .seconds(3)
            try await withClient(configuration) { client in
                let key = TestRedis.key()
                _ = try await client.pipeline([RESPCommand("SET", [key, "kept"]), RESPCommand("WAIT", ["1", "5000"])])
                let old = try await set.master()
                try await old.kill9()
                try await waitUntil("the promoted replica to take writes", timeout: .seconds(90)) {
                    (try? await client.send("SET", TestRedis.key(), "x"))?.string == "OK"
                }
                #expect(try await client.send("GET", key).string == "kept", "acknowledged by WAIT before the kill")
                #expect(client.pool.sentinel?.currentMaster?.port != old.port)
                try await set.restartAsReplica(old)
                try await set.waitUntilSettled()
            }
        }
    }
}

/// `READONLY` from a demoted master makes the client ask the sentinels again. A fake sentinel
/// (answering what the test says) lets the demotion happen without a `+switch-master` event.
@Suite("Sentinel READONLY handling", .enabled(if: TestSentinel.privateSetsRun), .timeLimit(.minutes(2)))
struct SentinelReadOnlyTests {
    @Test func readOnlyReplyReResolvesTheMaster() async throws {
        try await withPrivateRedis { first in
            try await withPrivateRedis { second in
                let masterPort = LockedBox(first.port)
                let sentinel = try await FakeRedisServer.start { _, command in
                    switch command.first?.uppercased() {
                    case "HELLO": return .bytes(FakeRedisServer.helloReply)
                    case "SENTINEL":
                        let port = String(masterPort.current)
                        return .bytes("*2\r\n$9\r\n127.0.0.1\r\n$\(port.utf8.count)\r\n\(port)\r\n")
                    case "SUBSCRIBE": return .bytes(">3\r\n$9\r\nsubscribe\r\n$14\r\n+switch-master\r\n:1\r\n")
                    default: return .bytes("-ERR unknown\r\n")
                    }
                }
                defer { sentinel.stop() }
                var configuration = try RedisConfiguration(url: "redis+sentinel://127.0.0.1:\(sentinel.port)/bp")
                configuration.connectTimeout = .seconds(5)
                try await withClient(configuration) { client in
                    let key = TestRedis.key()
                    try await client.send("SET", key, "1")
                    #expect(client.pool.sentinel?.currentMaster?.port == first.port)

                    // Demote `first` under the client: its connections stay open and now get READONLY.
                    try await withClient(second.configuration) { admin in
                        _ = try await withClient(first.configuration) { old in
                            try await old.send("REPLICAOF", "127.0.0.1", String(second.port))
                        }
                        try await admin.send("REPLICAOF", "NO", "ONE")
                    }
                    masterPort.withLock { $0 = second.port }
                    do {
                        try await client.send("SET", key, "2")
                        Issue.record("a write to the demoted master succeeded")
                    } catch let error as RedisServerError {
                        #expect(error.isReadOnly)
                    }
                    try await waitUntil("writes to reach the new master") {
                        (try? await client.send("SET", key, "3"))?.string == "OK"
                    }
                    #expect(client.pool.sentinel?.currentMaster?.port == second.port)
                }
            }
        }
    }

    @Test func aReplicaNamedAsMasterIsRefused() async throws {
        try await withPrivateRedis { master in
            try await withPrivateRedis(["--replicaof", "127.0.0.1", "1"]) { replica in
                let sentinel = try await FakeRedisServer.start { _, command in
                    switch command.first?.uppercased() {
                    case "HELLO": return .bytes(FakeRedisServer.helloReply)
                    case "SENTINEL":
                        let port = String(replica.port)
                        return .bytes("*2\r\n$9\r\n127.0.0.1\r\n$\(port.utf8.count)\r\n\(port)\r\n")
                    default: return .silence
                    }
                }
                defer { sentinel.stop() }
                _ = master
                var configuration = try RedisConfiguration(url: "redis+sentinel://127.0.0.1:\(sentinel.port)/bp")
                configuration.connectTimeout = .seconds(2)
                try await withClient(configuration) { client in
                    // Until the first connect attempt failed, the error only says none came up in time.
                    try await waitUntil("the pool's error to name the replica") {
                        do {
                            _ = try await client.send("PING")
                            Issue.record("connected to a replica as if it were the master")
                            return true
                        } catch let error as RedisClientError {
                            #expect(error.message.contains("master bp via sentinels"), "\(error)")
                            return error.message.contains("is a replica, not the master bp")
                        }
                    }
                }
            }
        }
    }

    @Test func garbageFromASentinelFailsClearly() async throws {
        let sentinel = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(FakeRedisServer.helloReply)
            case "SENTINEL": return .bytes("*2\r\n:1\r\n$3\r\nabc\r\n")
            default: return .bytes("+\u{1}\u{2}garbage\r\n")
            }
        }
        defer { sentinel.stop() }
        var configuration = try RedisConfiguration(url: "redis+sentinel://127.0.0.1:\(sentinel.port)/bp")
        configuration.connectTimeout = .seconds(2)
        try await withClient(configuration) { client in
            try await waitUntil("the pool's error to name the bad sentinel reply") {
                do {
                    _ = try await client.send("PING")
                    Issue.record("PING succeeded")
                    return true
                } catch let error as RedisClientError {
                    return error.message.contains("no sentinel named the master bp")
                }
            }
        }
    }
}
