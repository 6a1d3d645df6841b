import Foundation
import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// Real slot migrations and failovers on the shared test cluster; the client must follow.
extension RealClusterTests {
    @Suite("MOVED, ASK and failover") struct Redirects {
        @Test func askDuringASlotMigrationAndMovedAfterIt() async throws {
            try await withClusterClient { client in
                let tag = clusterKey()
                let slot = RedisHashSlot.slot(
                    of: String(tag.drop(while: { $0 != "{" }).dropFirst().prefix(while: { $0 != "}" })))
                #expect(RedisHashSlot.slot(of: tag + ":old") == slot)
                try await client.send("SET", tag + ":old", "before")
                let source = try await TestRedisCluster.owner(of: slot)
                let target = try await TestRedisCluster.migrate(
                    slot: slot,
                    whileMigrating: {
                        // The key is still on the source; a new key goes to the target through ASK.
                        #expect(try await client.send("GET", tag + ":old").string == "before")
                        #expect(try await client.send("SET", tag + ":new", "asked").string == "OK")
                        let onTarget = try await TestRedisCluster.withNode(try await Self.importer(of: slot)) {
                            connection in
                            try await connection.pipeline([
                                RESPCommand("ASKING", []), RESPCommand("GET", [tag + ":new"]),
                            ])
                        }
                        #expect(onTarget.last?.string == "asked")
                    },
                    afterKeysMoved: {
                        // Every key moved, the slot not handed over yet: the source answers ASK.
                        let direct = try await TestRedisCluster.withNode(source.port) {
                            try await $0.sendRaw(RESPCommand("GET", [tag + ":old"]))
                        }
                        #expect(direct.errorMessage?.hasPrefix("ASK \(slot) ") == true)
                        #expect(try await client.send("GET", tag + ":old").string == "before")
                        #expect(
                            try await client.pipeline([
                                RESPCommand("GET", [tag + ":old"]), RESPCommand("GET", [tag + ":new"]),
                            ])
                            .map(\.string) == ["before", "asked"])
                    })
                #expect(target.port != source.port)
                // The source now answers MOVED; the client follows it and then goes to the target directly.
                let moved = try await TestRedisCluster.withNode(source.port) {
                    try await $0.sendRaw(RESPCommand("GET", [tag + ":old"]))
                }
                #expect(moved.errorMessage?.hasPrefix("MOVED \(slot) ") == true)
                #expect(try await client.send("GET", tag + ":old").string == "before")
                #expect(try await client.send("INCR", tag + ":n").int == 1)
                #expect(try await client.pipeline([RESPCommand("GET", [tag + ":new"])]).first?.string == "asked")
                try await client.send("DEL", tag + ":old", tag + ":new", tag + ":n")
            }
        }

        @Test func aClientFollowsAManualFailover() async throws {
            try await withClusterClient({
                $0.clusterRefreshInterval = .milliseconds(200)
                $0.commandTimeout = .seconds(2)
            }) { client in
                guard case .cluster(let router) = client.backend else { throw TestFailure("not a cluster client") }
                let tag = clusterKey()
                let slot = RedisHashSlot.slot(of: tag)
                try await client.send("SET", tag, "1")
                let oldMaster = try await TestRedisCluster.owner(of: slot)
                let newMaster = try await TestRedisCluster.failover(ofSlot: slot)
                #expect(newMaster.port != oldMaster.port)
                // The old master is a replica now: it redirects, and the write lands on the new master.
                #expect(try await client.send("INCR", tag).int == 2)
                let onNew = try await TestRedisCluster.withNode(newMaster.port) {
                    try await $0.send(RESPCommand("GET", [tag]))
                }
                #expect(onNew.string == "2")
                let blocked = try await client.sendBlocking(
                    RESPCommand("BLPOP", [tag + ":list", "0.2"]), blockFor: .seconds(1))
                #expect(blocked.isNull)
                // The demoted master gets nothing more: its pool goes once it has been out a command timeout.
                let demoted = RedisConfiguration.Endpoint.tcp(host: "127.0.0.1", port: oldMaster.port)
                try await waitUntil("the demoted master's pool is retired") {
                    !router.pooledEndpoints.contains(demoted)
                }
                #expect(router.pooledEndpoints.count == 3)
                try await client.send("DEL", tag)
            }
        }

        /// The port of the node importing `slot`, as `CLUSTER NODES` shows it (`[slot-<-id]`).
        private static func importer(of slot: Int) async throws -> Int {
            for port in TestRedisCluster.ports {
                let text = try await TestRedisCluster.send(port, "CLUSTER", "NODES").string ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.contains("myself") }),
                    line.contains("[\(slot)-<-")
                {
                    return port
                }
            }
            throw TestFailure("no node imports slot \(slot)")
        }
    }
}
