import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

@Suite("Redis client against a real redis-server")
struct RedisClientBasicTests {
    @Test func setGetAndServerErrors() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.send("SET", key, "value")
            #expect(try await client.send("GET", key).string == "value")
            #expect(try await client.send("GET", key + ":missing").isNull)
            await #expect(throws: RedisServerError.self) { try await client.send("LPUSH", key, "x") }
            do {
                try await client.send("NOSUCHCOMMAND")
            } catch let error as RedisServerError {
                #expect(error.prefix == "ERR")
            }
        }
    }

    @Test func pipelineOfTenThousand() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            let commands = (0..<10_000).map { _ in RESPCommand("INCR", [key]) }
            let replies = try await client.pipeline(commands)
            #expect(replies.count == 10_000)
            #expect(replies.last?.int == 10_000)
            #expect(replies.enumerated().allSatisfy { $0.element.int == $0.offset + 1 })
        }
    }
}
