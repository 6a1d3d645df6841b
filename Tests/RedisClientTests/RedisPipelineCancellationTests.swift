import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// A pipeline is one request on its connection: cancelling it fails the caller at once, and the
/// replies still due are read and dropped so later commands get their own replies.
@Suite("Pipeline cancellation", .timeLimit(.minutes(1)))
struct RedisPipelineCancellationTests {
    @Test func cancelledPipelineRepliesAreDroppedAndTheConnectionStaysInStep() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.withConnection { connection in
                // BLPOP holds this connection on the server for 1 s, so the pipeline behind it is still
                // waiting for every reply when it is cancelled.
                async let hold = connection.send(RESPCommand("BLPOP", [key + ":empty", "1"]))
                let pipeline = Task {
                    try await connection.pipeline((0..<100).map { _ in RESPCommand("INCR", [key]) })
                }
                try await waitUntil("the pipeline to be in flight") { await connection.inFlight() >= 101 }
                pipeline.cancel()
                await #expect(throws: CancellationError.self) { try await pipeline.value }

                #expect(try await hold == .null)
                // The 100 INCR replies were consumed, not handed to the next command.
                #expect(try await connection.send(RESPCommand("GET", [key])).string == "100")
                #expect(try await connection.send(RESPCommand("PING")).string == "PONG")
                #expect(await connection.inFlight() == 0)
            }
            try await client.send("DEL", key)
        }
    }

    @Test func pipelineRepliesComeBackInOrderWithErrorsAsValues() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            let replies = try await client.pipeline([
                RESPCommand("SET", [key, "1"]),
                RESPCommand("LPUSH", [key, "x"]),  // WRONGTYPE: a value in the result, not a throw
                RESPCommand("INCR", [key]),
                RESPCommand("DEL", [key]),
            ])
            #expect(replies.count == 4)
            #expect(replies[0].string == "OK")
            #expect(replies[1].errorMessage?.hasPrefix("WRONGTYPE") == true)
            #expect(replies[2] == .integer(2))
            #expect(replies[3] == .integer(1))
            #expect(try await client.pipeline([]) == [])
        }
    }
}
