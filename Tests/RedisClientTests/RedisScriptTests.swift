import RESP
import RedisClient
import TestSupport
import Testing

/// Scripts run on a private server: `SCRIPT FLUSH` would pull scripts from under other tests.
@Suite("Lua scripts with EVALSHA and reload on NOSCRIPT", .timeLimit(.minutes(1)))
struct RedisScriptTests {
    static let incrementBy = RedisScript(
        name: "increment-by", source: "return redis.call('INCRBY', KEYS[1], ARGV[1])")

    @Test func evalSurvivesScriptFlush() async throws {
        try await withPrivateRedis { server in
            try await withClient(server.configuration) { client in
                let key = TestRedis.key()
                #expect(try await client.eval(Self.incrementBy, keys: [key], arguments: ["5"]).int == 5)
                #expect(try await client.eval(Self.incrementBy, keys: [key], arguments: ["2"]).int == 7)

                let sha = try await client.load(Self.incrementBy)
                try await client.send("SCRIPT", "FLUSH")
                #expect(try await client.send("SCRIPT", "EXISTS", sha).array?.first?.int == 0)
                // The cached SHA is unknown now: NOSCRIPT, SCRIPT LOAD, EVALSHA again, transparently.
                #expect(try await client.eval(Self.incrementBy, keys: [key], arguments: ["3"]).int == 10)
                #expect(try await client.send("SCRIPT", "EXISTS", sha).array?.first?.int == 1)

                // An error raised by the script itself is thrown, not retried as NOSCRIPT.
                let failing = RedisScript(name: "fails", source: "return redis.error_reply('NOPE broken on purpose')")
                let error = await #expect(throws: RedisServerError.self) {
                    try await client.eval(failing, keys: [], arguments: [])
                }
                #expect(error?.prefix == "NOPE")
            }
        }
    }

    @Test func evalPipelineSurvivesScriptFlush() async throws {
        try await withPrivateRedis { server in
            try await withClient(server.configuration) { client in
                let key = TestRedis.key()
                let calls = (1...100).map { (keys: [key], arguments: [String($0)]) }
                let first = try await client.evalPipeline(Self.incrementBy, calls: calls)
                #expect(first.count == 100)
                #expect(first.last?.int == 5050)

                try await client.send("SCRIPT", "FLUSH")
                let second = try await client.evalPipeline(Self.incrementBy, calls: calls)
                #expect(second.count == 100)
                #expect(second.allSatisfy { $0.errorMessage == nil })
                #expect(second.last?.int == 10100)
                #expect(try await client.send("GET", key).int == 10100)

                // A call failing inside the script is a value in the results; the others still run.
                let mixed = try await client.evalPipeline(
                    Self.incrementBy,
                    calls: [(keys: [key], arguments: ["1"]), (keys: [key], arguments: ["not-a-number"])])
                #expect(mixed.first?.int == 10101)
                #expect(mixed.last?.errorMessage != nil)
            }
        }
    }

    @Test func evalAfterTheServerRestarts() async throws {
        try await withPrivateRedis { server in
            try await withClient(server.configuration) { client in
                let key = TestRedis.key()
                #expect(try await client.eval(Self.incrementBy, keys: [key], arguments: ["1"]).int == 1)
                try await server.kill9()
                try await server.start()
                // The restarted server has no scripts; the client reconnects and reloads.
                try await waitUntil("the client to reconnect") { (try? await client.send("PING")) != nil }
                #expect(try await client.eval(Self.incrementBy, keys: [key], arguments: ["1"]).int == 1)
            }
        }
    }
}
