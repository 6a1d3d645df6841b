import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// The two bounds: replies one connection may owe, and dedicated (blocking) connections at once.
@Suite("Pending-request and blocking-connection bounds", .timeLimit(.minutes(1)))
struct RedisBoundsTests {
    @Test func commandsPastThePendingBoundWaitUnsentUntilRepliesDrain() async throws {
        var configuration = TestRedis.configuration
        configuration.maximumPendingRequestsPerConnection = 3
        let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        let key = TestRedis.key()
        try await withCleanup {
            // BLPOP holds the connection on the server, so the two GETs behind it stay owed: 3 replies.
            async let hold = connection.send(RESPCommand("BLPOP", [key, "30"]), timeout: .seconds(40))
            async let first = connection.send(RESPCommand("GET", [key + ":v"]))
            async let second = connection.send(RESPCommand("GET", [key + ":v"]))
            try await waitUntil("three replies to be owed") { await connection.inFlight() == 3 }
            async let parked = connection.send(RESPCommand("INCR", [key + ":n"]))
            try await waitUntil("the fourth command to wait") { await connection.parked() == 1 }
            #expect(await connection.inFlight() == 3)

            // Another connection releases the BLPOP; the owed replies drain and the INCR goes out.
            try await withClient { client in _ = try await client.send("RPUSH", key, "go") }
            #expect(try await hold.array?.compactMap(\.string) == [key, "go"])
            #expect(try await first.isNull)
            #expect(try await second.isNull)
            #expect(try await parked == .integer(1))
            #expect(await connection.parked() == 0)
        } cleanup: {
            await connection.close()
        }
    }

    @Test func aCommandThatCannotGetPastThePendingBoundFailsClearly() async throws {
        // Answers the handshake, then nothing: every command stays owed.
        let server = try await FakeRedisServer.start { index, _ in
            index == 0 ? .bytes(FakeRedisServer.helloReply) : .silence
        }
        defer { server.stop() }
        var configuration = server.configuration
        configuration.maximumPendingRequestsPerConnection = 2
        let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        try await withCleanup {
            let owed = ["a", "b"].map { key in
                Task { try await connection.send(RESPCommand("GET", [key]), timeout: .seconds(30)) }
            }
            try await waitUntil("two replies to be owed") { await connection.inFlight() == 2 }

            let error = await #expect(throws: RedisClientError.self) {
                try await connection.send(RESPCommand("GET", ["c"]), timeout: .milliseconds(300))
            }
            #expect(error == RedisClientError.tooManyPendingRequests(limit: 2))
            #expect(error?.message.contains("maximumPendingRequestsPerConnection") == true)
            // Only the unsent command failed: the connection and the owed commands are untouched.
            #expect(connection.isActive)
            #expect(await connection.inFlight() == 2)
            #expect(await connection.parked() == 0)

            await connection.close()
            for task in owed { await #expect(throws: RedisClientError.self) { try await task.value } }
        } cleanup: {
            await connection.close()
        }
    }

    @Test func blockingCommandsPastTheBoundWaitForAConnection() async throws {
        var configuration = TestRedis.configuration
        let name = TestRedis.uniqueName("bounded")
        configuration.clientName = name
        configuration.maximumBlockingConnections = 2
        configuration.connectTimeout = .seconds(20)
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            let pops = (0..<3).map { _ in
                Task { try await client.sendBlocking(RESPCommand("BLPOP", [key, "30"]), blockFor: .seconds(30)) }
            }
            try await waitUntil("two BLPOPs to block and the third to wait for a connection") {
                let counts = client.pool.dedicatedCounts
                return try await blockedClients(client, named: name) == 2 && counts.waiting == 1
            }
            #expect(client.pool.dedicatedCounts.open == 2)

            // Each item served frees a connection, which the waiting BLPOP takes.
            for item in ["x", "y", "z"] { try await client.send("RPUSH", key, item) }
            var items: [String] = []
            for pop in pops { items += try await pop.value.array?.compactMap(\.string).dropFirst() ?? [] }
            #expect(items.sorted() == ["x", "y", "z"])
            #expect(client.pool.dedicatedCounts.open <= 2)
            #expect(client.pool.dedicatedCounts.waiting == 0)
        }
    }

    @Test func aBlockingCommandThatCannotGetAConnectionFailsNamingTheLimit() async throws {
        var configuration = TestRedis.configuration
        let name = TestRedis.uniqueName("bounded")
        configuration.clientName = name
        configuration.maximumBlockingConnections = 1
        // Also how long a caller waits for a dedicated connection; long enough for connecting on a
        // loaded machine, short enough to keep the test quick.
        configuration.connectTimeout = .seconds(2)
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            let holder = Task {
                try await client.sendBlocking(RESPCommand("BLPOP", [key, "30"]), blockFor: .seconds(30))
            }
            try await waitUntil("the first BLPOP to block") { try await blockedClients(client, named: name) == 1 }

            let error = await #expect(throws: RedisClientError.self) {
                try await client.sendBlocking(RESPCommand("BLPOP", [key, "1"]), blockFor: .seconds(1))
            }
            #expect(error == RedisClientError.tooManyBlockingConnections(limit: 1))
            #expect(error?.message.contains("maximumBlockingConnections") == true)
            // A lease counts against the same bound.
            await #expect(throws: RedisClientError.tooManyBlockingConnections(limit: 1)) {
                try await client.withConnection { _ in }
            }

            try await client.send("RPUSH", key, "done")
            #expect(try await holder.value.array?.compactMap(\.string) == [key, "done"])
            // The connection is free again.
            #expect(try await client.withConnection { try await $0.send(RESPCommand("PING")).string } == "PONG")
        }
    }
}
