import Foundation
import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

@Suite("Blocking reads beside normal traffic", .timeLimit(.minutes(1)))
struct RedisBlockingTests {
    /// A client whose connections carry a unique name, so `CLIENT LIST` shows which are blocked.
    private func namedConfiguration() -> (RedisConfiguration, String) {
        var configuration = TestRedis.configuration
        let name = TestRedis.uniqueName("blocking")
        configuration.clientName = name
        return (configuration, name)
    }

    @Test func thousandGetsCompleteWhileAnXreadgroupBlocks() async throws {
        let (configuration, name) = self.namedConfiguration()
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            let valueKey = key + ":value"
            try await client.xgroupCreate(key, group: "g", id: "$")
            try await client.send("SET", valueKey, "v")

            let finished = LockedBox(false)
            let blocking = Task {
                defer { finished.withLock { $0 = true } }
                // Long enough that a loaded machine cannot end the read before the XADD below
                // (it failed once in CI with 2 s); the XADD ends it at once.
                return try await client.xreadgroup(
                    group: "g", consumer: "c", streams: [(key, ">")], block: .seconds(30))
            }
            try await waitUntil("the XREADGROUP to block on the server") {
                try await blockedClients(client, named: name) == 1
            }

            let values = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<1000 { group.addTask { try await client.send("GET", valueKey).string } }
                var values: [String?] = []
                for try await value in group { values.append(value) }
                return values
            }
            // Every GET answered while the read was still blocked on the server: the blocking
            // command does not sit on a connection the GETs share.
            #expect(finished.current == false)
            #expect(values.count == 1000 && values.allSatisfy { $0 == "v" })

            let id = try await client.xadd(key, fields: [("job", "wake")])
            let read = try await blocking.value
            #expect(read[key] == [RedisStreamEntry(id: id, fields: ["job": "wake"])])
        }
    }

    @Test func blockingReadTimesOutWithAnEmptyResult() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g", id: "$")
            let read = try await client.xreadgroup(
                group: "g", consumer: "c", streams: [(key, ">")], block: .milliseconds(50))
            #expect(read.isEmpty)
        }
    }

    @Test func cancellingABlockingReadReturnsAndTheClientStaysUsable() async throws {
        let (configuration, name) = self.namedConfiguration()
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g", id: "$")

            // Blocks for 30 s: only cancellation can end it with an error before then.
            let blocking = Task {
                try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")], block: .seconds(30))
            }
            try await waitUntil("the XREADGROUP to block on the server") {
                try await blockedClients(client, named: name) == 1
            }
            blocking.cancel()
            let outcome = await blocking.result
            #expect(throws: CancellationError.self) { try outcome.get() }
            // The connection the server held blocked was closed, not returned to the reserve.
            try await waitUntil("the blocked connection to go away") {
                try await blockedClients(client, named: name) == 0
            }

            try await client.send("SET", key + ":after", "ok")
            #expect(try await client.send("GET", key + ":after").string == "ok")
            let again = Task {
                try await client.xreadgroup(group: "g", consumer: "c", streams: [(key, ">")], block: .seconds(30))
            }
            try await waitUntil("the second XREADGROUP to block") { try await blockedClients(client, named: name) == 1 }
            let id = try await client.xadd(key, fields: [("n", "1")])
            #expect(try await again.value[key]?.map(\.id) == [id])
        }
    }

    @Test func blpopOnADedicatedConnection() async throws {
        let (configuration, name) = self.namedConfiguration()
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            let popped = Task {
                try await client.sendBlocking(RESPCommand("BLPOP", [key, "30"]), blockFor: .seconds(30))
            }
            try await waitUntil("BLPOP to block") { try await blockedClients(client, named: name) == 1 }
            #expect(try await client.send("PING").string == "PONG")
            try await client.send("RPUSH", key, "item")
            #expect(try await popped.value.array?.compactMap(\.string) == [key, "item"])
        }
    }
}
