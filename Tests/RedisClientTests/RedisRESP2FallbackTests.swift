import RESP
import RedisClient
import TestSupport
import Testing

/// A private server where `HELLO` is an unknown command, as on Redis 5: the client must fall back
/// to RESP2 (`AUTH`, `CLIENT SETNAME`) and parse RESP2 replies (flat arrays instead of maps).
@Suite("RESP2 fallback when HELLO is unknown", .timeLimit(.minutes(1)))
struct RedisRESP2FallbackTests {
    static let withoutHello = ["--rename-command", "HELLO", ""]

    @Test func connectsWithRESP2AndParsesStreamReplies() async throws {
        try await withPrivateRedis(Self.withoutHello) { server in
            try await withClient(server.configuration) { client in
                #expect(try await client.withConnection { $0.protocolVersion } == .resp2)
                #expect(try await client.send("GET", TestRedis.key()).isNull)

                let key = TestRedis.key()
                #expect(try await client.xgroupCreate(key, group: "g"))
                #expect(try await client.xgroupCreate(key, group: "g") == false)
                // XREADGROUP with nothing new is `*-1` in RESP2.
                #expect(try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")]).isEmpty)
                let first = try await client.xadd(key, fields: [("job", "a")])
                let second = try await client.xadd(key, fields: [("job", "b")], maxLength: 100)

                let read = try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")])
                #expect(
                    read[key] == [
                        RedisStreamEntry(id: first, fields: ["job": "a"]),
                        RedisStreamEntry(id: second, fields: ["job": "b"]),
                    ])
                try await client.xdel(key, ids: [second])
                let pending = try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, "0")])
                #expect(pending[key]?.map(\.id) == [first, second])
                #expect(pending[key]?.last?.isDeleted == true)

                let groups = try await client.xinfoGroups(key)
                #expect(groups.first?["name"]?.string == "g")
                #expect(groups.first?["pending"]?.int == 2)
                let stream = try await client.xinfoStream(key)
                #expect(stream["length"]?.int == 1)
                #expect(stream["last-generated-id"]?.string == second)
                let consumers = try await client.xinfoConsumers(key, group: "g")
                #expect(consumers.first?["name"]?.string == "c")
                #expect(consumers.first?["pending"]?.int == 2)

                let summary = try await client.xpending(key, group: "g")
                #expect(summary.count == 2 && summary.consumers == ["c": 2])
                #expect(try await client.xpending(key, group: "g", count: 10).map(\.id) == [first, second])

                let claimed = try await client.xautoclaim(key, group: "g", consumer: "other", minIdle: .zero)
                #expect(claimed.entries.map(\.id) == [first])
                #expect(claimed.deletedIDs == [second])
                #expect(
                    try await client.xclaim(key, group: "g", consumer: "c", minIdle: .zero, ids: [first], justID: true)
                        .map(\.id) == [first])
                #expect(try await client.xack(key, group: "g", ids: [first]) == 1)

                let blocked = try await client.xreadgroup(
                    group: "g", consumer: "c", streams: [(key, ">")], block: .milliseconds(20))
                #expect(blocked.isEmpty)

                #expect(try await client.zadd(key + ":z", members: [(1, "a"), (2, "b")]) == 2)
                #expect(try await client.zrangebyscore(key + ":z", min: "-inf", max: "+inf") == ["a", "b"])
                let replies = try await client.pipeline((0..<1000).map { _ in RESPCommand("INCR", [key + ":n"]) })
                #expect(replies.last?.int == 1000)
            }
        }
    }

    @Test func authenticatesAndNamesTheConnectionWithRESP2Commands() async throws {
        try await withPrivateRedis(Self.withoutHello + ["--requirepass", "server-pass"]) { server in
            var configuration = server.configuration
            configuration.password = "server-pass"
            configuration.clientName = "resp2-client"
            configuration.database = 3
            try await withClient(configuration) { client in
                #expect(try await client.withConnection { $0.protocolVersion } == .resp2)
                let info = try await client.send("CLIENT", "INFO").string ?? ""
                #expect(info.contains("name=resp2-client "))
                #expect(info.contains(" db=3 "))
                #expect(info.contains(" resp=2"))
            }

            configuration.password = "wrong-pass-resp2"
            configuration.connectTimeout = .seconds(1)
            let error = await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            }
            #expect(error.map { "\($0)".contains("wrong-pass-resp2") } == false)

            // AUTH with a user name, the RESP2 way.
            let admin = try await RedisConnection.connect(
                configuration: server.configuration.withPassword("server-pass"), logger: TestRedis.logger)
            try await admin.send(RESPCommand("ACL", ["SETUSER", "worker", "on", ">worker-pass", "~*", "&*", "+@all"]))
            await admin.close()
            var user = server.configuration
            user.username = "worker"
            user.password = "worker-pass"
            let connection = try await RedisConnection.connect(configuration: user, logger: TestRedis.logger)
            #expect(connection.protocolVersion == .resp2)
            #expect(try await connection.send(RESPCommand("ACL", ["WHOAMI"])).string == "worker")
            await connection.close()
        }
    }
}

extension RedisConfiguration {
    fileprivate func withPassword(_ password: String) -> RedisConfiguration {
        var copy = self
        copy.password = password
        return copy
    }
}
