import Foundation
import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// Runs `body` with a client of the test cluster whose `run()` is active.
func withClusterClient<T: Sendable>(
    _ adjust: (inout RedisConfiguration) -> Void = { _ in }, _ body: (RedisClient) async throws -> T
) async throws -> T {
    var configuration = try TestRedisCluster.configuration
    adjust(&configuration)
    return try await withClient(configuration, body)
}

/// A key no other test uses, with a hash tag so related keys can share its slot.
func clusterKey(_ name: String = #function) -> String {
    "ct:{\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString.prefix(8))}"
}

extension RealClusterTests {
    @Suite("Routing") struct Routing {
        @Test func commandsReachTheMasterOfTheirSlotOnEveryMaster() async throws {
            try await withClusterClient { client in
                let keys = (0..<60).map { "ct:route:\($0):\(UUID().uuidString.prefix(6))" }
                for key in keys { try await client.send("SET", key, "v-\(key)") }
                for key in keys { #expect(try await client.send("GET", key).string == "v-\(key)") }
                // Each key sits on the master that serves its slot, and the keys span all three masters.
                let nodes = try await TestRedisCluster.nodes()
                var mastersUsed = Set<Int>()
                for key in keys {
                    let owner = try #require(nodes.first { $0.isMaster && $0.serves(RedisHashSlot.slot(of: key)) })
                    let count = try await TestRedisCluster.withNode(owner.port) {
                        try await $0.send(
                            RESPCommand("CLUSTER", ["COUNTKEYSINSLOT", String(RedisHashSlot.slot(of: key))])
                        ).int
                    }
                    #expect((count ?? 0) >= 1)
                    mastersUsed.insert(owner.port)
                }
                #expect(mastersUsed.count == 3)
                _ = try await client.pipeline(keys.map { RESPCommand("DEL", [$0]) })
            }
        }

        @Test func pipelinesAreSplitPerNodeAndAnswersComeBackInOrder() async throws {
            try await withClusterClient { client in
                let keys = (0..<200).map { "ct:pipe:\($0):\(UUID().uuidString.prefix(6))" }
                var commands: [RESPCommand] = []
                for (index, key) in keys.enumerated() {
                    commands.append(RESPCommand("SET", [key, String(index)]))
                    commands.append(RESPCommand("INCR", [key]))
                    commands.append(RESPCommand("GET", [key]))
                }
                commands.append(RESPCommand("PING", []))
                commands.append(RESPCommand("HGET", [keys[0], "f"]))  // WRONGTYPE, a value in place
                let replies = try await client.pipeline(commands)
                #expect(replies.count == commands.count)
                for index in keys.indices {
                    #expect(replies[index * 3].string == "OK")
                    #expect(replies[index * 3 + 1].int == index + 1)
                    #expect(replies[index * 3 + 2].string == String(index + 1))
                }
                #expect(replies[keys.count * 3].string == "PONG")
                #expect(replies[keys.count * 3 + 1].errorMessage?.hasPrefix("WRONGTYPE") == true)
                _ = try await client.pipeline(keys.map { RESPCommand("DEL", [$0]) })
            }
        }

        @Test func crossSlotCommandsFailBeforeAnythingIsSent() async throws {
            try await withClusterClient { client in
                let a = "ct:cross:a:\(UUID().uuidString.prefix(6))"
                var b = "ct:cross:b:\(UUID().uuidString.prefix(6))"
                while RedisHashSlot.slot(of: b) == RedisHashSlot.slot(of: a) { b += "x" }
                await #expect(throws: RedisClientError.crossSlot("MSET")) {
                    try await client.send("MSET", a, "1", b, "2")
                }
                // One bad command refuses the whole pipeline: the SET before it was not sent either.
                await #expect(throws: RedisClientError.crossSlot("DEL")) {
                    try await client.pipeline([RESPCommand("SET", [a, "1"]), RESPCommand("DEL", [a, b])])
                }
                let exists = try await client.send("EXISTS", a).int
                #expect(exists == 0)
                let script = RedisScript(name: "two", source: "return 1")
                await #expect(throws: RedisClientError.crossSlot("EVALSHA")) {
                    try await client.eval(script, keys: [a, b], arguments: [])
                }
                // Same hash tag, same slot: accepted.
                let tag = clusterKey()
                let set = try await client.send("MSET", tag + ":1", "1", tag + ":2", "2").string
                #expect(set == "OK")
                let deleted = try await client.send("DEL", tag + ":1", tag + ":2").int
                #expect(deleted == 2)
            }
        }

        @Test func scriptsRunWhereTheirKeysLiveAndReloadAfterAFlush() async throws {
            try await withClusterClient { client in
                let script = RedisScript(
                    name: "incr-both",
                    source: "redis.call('INCR', KEYS[1]); return redis.call('INCRBY', KEYS[2], ARGV[1])")
                let tags = (0..<12).map { _ in clusterKey() }
                for tag in tags {
                    #expect(try await client.eval(script, keys: [tag + ":a", tag + ":b"], arguments: ["5"]).int == 5)
                }
                // A flush on every master (as after a restart or failover): NOSCRIPT, reload, rerun.
                for port in TestRedisCluster.ports { try await TestRedisCluster.send(port, "SCRIPT", "FLUSH") }
                for tag in tags {
                    #expect(try await client.eval(script, keys: [tag + ":a", tag + ":b"], arguments: ["5"]).int == 10)
                }
                for port in TestRedisCluster.ports { try await TestRedisCluster.send(port, "SCRIPT", "FLUSH") }
                let replies = try await client.evalPipeline(
                    script, calls: tags.map { (keys: [$0 + ":a", $0 + ":b"], arguments: ["1"]) })
                #expect(replies.map(\.int) == Array(repeating: 11, count: tags.count))
                _ = try await client.pipeline(tags.map { RESPCommand("DEL", [$0 + ":a", $0 + ":b"]) })
            }
        }

        @Test func aScriptMissingOnOneMasterIsReloadedWithoutRerunningTheOthers() async throws {
            try await withClusterClient { client in
                let script = RedisScript(
                    name: "incr-\(UUID().uuidString.prefix(6))", source: "return redis.call('INCR', KEYS[1])")
                let keys = (0..<30).map { "ct:once:\($0):\(UUID().uuidString.prefix(6))" }
                try await client.load(script)
                // As after a failover to a replica that never saw SCRIPT LOAD: one master lacks it.
                let masters = try await TestRedisCluster.nodes().filter(\.isMaster)
                try await TestRedisCluster.send(masters[0].port, "SCRIPT", "FLUSH")
                let replies = try await client.evalPipeline(script, calls: keys.map { (keys: [$0], arguments: []) })
                #expect(replies.map(\.int) == Array(repeating: 1, count: keys.count))
                _ = try await client.pipeline(keys.map { RESPCommand("DEL", [$0]) })
            }
        }

        @Test func blockingReadsWaitOnTheNodeOfTheirStream() async throws {
            try await withClusterClient { client in
                let streams = (0..<6).map { _ in clusterKey() }
                try await withThrowingTaskGroup(of: String?.self) { group in
                    for stream in streams {
                        group.addTask {
                            let reply = try await client.sendBlocking(
                                RESPCommand("XREAD", ["BLOCK", "10000", "STREAMS", stream, "$"]), blockFor: .seconds(10)
                            )
                            return reply.isNull ? nil : stream
                        }
                    }
                    // Every reader is blocked (as the masters count them) before anything is added.
                    try await waitUntil("six blocked readers") { try await TestRedisCluster.blockedClients() >= 6 }
                    guard case .cluster(let router) = client.backend else { throw TestFailure("not a cluster client") }
                    #expect(router.dedicatedCounts.values.reduce(0, +) >= 6)
                    for stream in streams { try await client.send("XADD", stream, "*", "f", "v") }
                    var woken: [String] = []
                    for try await stream in group { if let stream { woken.append(stream) } }
                    #expect(Set(woken) == Set(streams))
                }
                #expect(try await client.send(RESPCommand("DEL", [streams[0]])).int == 1)
                for stream in streams.dropFirst() { try await client.send("DEL", stream) }
            }
        }

        @Test func exclusiveConnectionForAKeyRunsATransactionOnItsNode() async throws {
            try await withClusterClient { client in
                let tag = clusterKey()
                let replies = try await client.withConnection(forKey: tag) { connection in
                    try await connection.pipeline([
                        RESPCommand("MULTI", []), RESPCommand("SET", [tag + ":a", "1"]),
                        RESPCommand("INCR", [tag + ":b"]),
                        RESPCommand("EXEC", []),
                    ])
                }
                #expect(replies.last?.array?.count == 2)
                #expect(try await client.send("GET", tag + ":a").string == "1")
                try await client.send("DEL", tag + ":a", tag + ":b")
            }
        }

        @Test func aClusterURLWithOneReachableSeedDiscoversTheRest() async throws {
            let ports = TestRedisCluster.ports
            try await withClosedTCPPort { dead in
                try await withClusterClient({
                    $0.mode = .cluster(seeds: [
                        .tcp(host: "127.0.0.1", port: dead), .tcp(host: "127.0.0.1", port: ports[4]),
                    ])
                }) { client in
                    let keys = (0..<30).map { "ct:seed:\($0):\(UUID().uuidString.prefix(6))" }
                    let replies = try await client.pipeline(keys.map { RESPCommand("SET", [$0, "1"]) })
                    #expect(replies.allSatisfy { $0.string == "OK" })
                    #expect(try await client.send(RESPCommand("DEL", [keys[0]])).int == 1)
                    _ = try await client.pipeline(keys.dropFirst().map { RESPCommand("DEL", [$0]) })
                }
            }
        }

        @Test func noReachableSeedFailsWithATopologyError() async throws {
            try await withClosedTCPPort { dead in
                var configuration = try TestRedisCluster.configuration
                configuration.mode = .cluster(seeds: [.tcp(host: "127.0.0.1", port: dead)])
                configuration.connectTimeout = .milliseconds(500)
                try await withClient(configuration) { client in
                    do {
                        try await client.send("GET", "x")
                        Issue.record("a command reached a cluster with no node")
                    } catch let error as RedisClientError {
                        #expect(error.message.contains("cluster topology"))
                    }
                }
            }
        }

        @Test func aclUserAndPasswordApplyToEveryNode() async throws {
            let user = TestRedis.uniqueName("cluster-user")
            let password = "pw-\(UUID().uuidString)"
            // ACLs are per node in a cluster: the user exists on all six.
            for port in TestRedisCluster.ports {
                try await TestRedisCluster.send(port, "ACL", "SETUSER", user, "on", ">" + password, "~*", "&*", "+@all")
            }
            try await withCleanup {
                let ports = TestRedisCluster.ports.map { "127.0.0.1:\($0)" }.joined(separator: ",")
                var configuration = try RedisConfiguration(url: "redis+cluster://\(user):\(password)@\(ports)")
                configuration.connectTimeout = .seconds(15)
                try await withClient(configuration) { client in
                    let keys = (0..<20).map { "ct:acl:\($0):\(UUID().uuidString.prefix(6))" }
                    let replies = try await client.pipeline(keys.map { RESPCommand("SET", [$0, "1"]) })
                    #expect(replies.allSatisfy { $0.string == "OK" })
                    let whoami = try await client.send("ACL", "WHOAMI").string
                    #expect(whoami == user)
                    _ = try await client.pipeline(keys.map { RESPCommand("DEL", [$0]) })
                }
                var wrong = try RedisConfiguration(url: "redis+cluster://\(user):wrong-\(password)@\(ports)")
                wrong.connectTimeout = .seconds(2)
                try await withClient(wrong) { client in
                    do {
                        try await client.send("GET", "x")
                        Issue.record("a wrong password was accepted")
                    } catch {
                        #expect("\(error)".contains("WRONGPASS"))
                        #expect(!"\(error)".contains(password))
                    }
                }
                // Callers that wait for a refresh another caller runs get its error too, not an
                // empty topology ("no master serves slot": it failed CI once, the client's own
                // first refresh having run beside the command's).
                try await withClient(wrong) { client in
                    let errors = await withTaskGroup(of: String.self) { group in
                        for index in 0..<16 {
                            group.addTask {
                                do {
                                    try await client.send("GET", "x\(index)")
                                    return "accepted"
                                } catch {
                                    return "\(error)"
                                }
                            }
                        }
                        return await group.reduce(into: []) { $0.append($1) }
                    }
                    #expect(errors.count == 16 && errors.allSatisfy { $0.contains("WRONGPASS") }, "\(errors)")
                }
            } cleanup: {
                for port in TestRedisCluster.ports {
                    _ = try? await TestRedisCluster.send(port, "ACL", "DELUSER", user)
                }
            }
        }
    }
}
