import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

/// A TCP server that is not Redis: garbage, absurd lengths, unsolicited replies, silence.
@Suite("Misbehaving servers", .timeLimit(.minutes(1)))
struct RedisFakeServerTests {
    /// Answers `HELLO` properly, then `garbage` to every later command.
    private func serverAnsweringAfterHello(_ garbage: String) async throws -> FakeRedisServer {
        try await FakeRedisServer.start { index, _ in
            index == 0 ? .bytes(FakeRedisServer.helloReply) : .bytes(garbage)
        }
    }

    private func expectProtocolError(_ error: RedisClientError?, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            error?.message.hasPrefix("protocol error") == true, "\(String(describing: error))",
            sourceLocation: sourceLocation)
        #expect(error?.isConnectionFailure == true, sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        "?garbage\r\n",  // not a RESP type byte
        "$99999999999\r\n",  // a bulk string above the size cap
        "*99999999999\r\n",  // an aggregate above the element cap
        ":12x\r\n",  // a malformed integer
        "$3\r\nabcXY",  // a bulk string without its CRLF
        String(repeating: "*1\r\n", count: 100) + ":1\r\n",  // nesting above the depth cap
    ])
    func garbageClosesTheConnectionWithAProtocolError(garbage: String) async throws {
        let server = try await self.serverAnsweringAfterHello(garbage)
        defer { server.stop() }
        let connection = try await RedisConnection.connect(
            configuration: server.configuration, logger: TestRedis.logger)
        let error = await #expect(throws: RedisClientError.self) {
            try await connection.send(RESPCommand("GET", ["k"]))
        }
        self.expectProtocolError(error)
        try await waitUntil("the connection to close") { !connection.isActive }
        // Later commands fail at once, with an error, on the closed connection.
        await #expect(throws: RedisClientError.self) { try await connection.send(RESPCommand("PING")) }
    }

    @Test func garbageFailsEveryPipelinedCommand() async throws {
        let server = try await FakeRedisServer.start { index, _ in
            switch index {
            case 0: return .bytes(FakeRedisServer.helloReply)
            case 1: return .bytes("+OK\r\n")
            case 2: return .bytes("?\r\n")
            default: return .silence
            }
        }
        defer { server.stop() }
        let connection = try await RedisConnection.connect(
            configuration: server.configuration, logger: TestRedis.logger)
        let outcomes = await withTaskGroup(of: Result<RESPValue, any Error>.self) { group in
            for n in 0..<50 {
                group.addTask {
                    do {
                        return .success(try await connection.send(RESPCommand("GET", [String(n)])))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let failures = outcomes.compactMap { outcome -> (any Error)? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        // One command got +OK; all the others fail, as client errors, none hangs.
        #expect(failures.count == 49)
        #expect(failures.allSatisfy { $0 is RedisClientError })
    }

    @Test func configuredDecoderLimitsApply() async throws {
        let tooMany = try await self.serverAnsweringAfterHello("*11\r\n" + String(repeating: ":1\r\n", count: 11))
        defer { tooMany.stop() }
        var configuration = tooMany.configuration
        configuration.decoderLimits.maximumAggregateCount = 10
        let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        self.expectProtocolError(
            await #expect(throws: RedisClientError.self) { try await connection.send(RESPCommand("GET", ["k"])) })

        let tooLong = try await self.serverAnsweringAfterHello("+" + String(repeating: "x", count: 100) + "\r\n")
        defer { tooLong.stop() }
        configuration = tooLong.configuration
        configuration.decoderLimits.maximumLineLength = 50
        let other = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        self.expectProtocolError(
            await #expect(throws: RedisClientError.self) { try await other.send(RESPCommand("GET", ["k"])) })
    }

    @Test func garbageDuringTheHandshakeFailsConnect() async throws {
        let server = try await FakeRedisServer.start { _, _ in .bytes("HTTP/1.1 400 Bad Request\r\n\r\n") }
        defer { server.stop() }
        let error = await #expect(throws: RedisClientError.self) {
            try await RedisConnection.connect(configuration: server.configuration, logger: TestRedis.logger)
        }
        self.expectProtocolError(error)
    }

    @Test func replyWithoutARequestIsAProtocolError() async throws {
        // Two replies to the one command: the second matches nothing.
        let server = try await serverAnsweringAfterHello("+first\r\n+second\r\n")
        defer { server.stop() }
        let connection = try await RedisConnection.connect(
            configuration: server.configuration, logger: TestRedis.logger)
        #expect(try await connection.send(RESPCommand("GET", ["k"])).string == "first")
        try await waitUntil("the connection to close") { !connection.isActive }
    }

    @Test func clientThroughThePoolGetsAClientError() async throws {
        let server = try await self.serverAnsweringAfterHello("?garbage\r\n")
        defer { server.stop() }
        try await withClient(server.configuration) { client in
            let error = await #expect(throws: RedisClientError.self) { try await client.send("GET", "k") }
            self.expectProtocolError(error)
            // The pool reconnects (the fake accepts again) and fails the same way: no crash, no hang.
            await #expect(throws: RedisClientError.self) { try await client.send("GET", "k") }
        }
    }

    @Test func silentServerTimesOutTheHandshake() async throws {
        let server = try await FakeRedisServer.start { _, _ in .silence }
        defer { server.stop() }
        var configuration = server.configuration
        configuration.connectTimeout = .milliseconds(500)
        let error = await #expect(throws: RedisClientError.self) {
            try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        }
        #expect(error?.message.contains("timed out") == true, "\(String(describing: error))")
    }

    @Test func silentServerTimesOutCommands() async throws {
        let server = try await FakeRedisServer.start { index, _ in
            index == 0 ? .bytes(FakeRedisServer.helloReply) : .silence
        }
        defer { server.stop() }
        let connection = try await RedisConnection.connect(
            configuration: server.impatientConfiguration, logger: TestRedis.logger)
        let error = await #expect(throws: RedisClientError.self) {
            try await connection.send(RESPCommand("GET", ["k"]))
        }
        #expect(error?.message.contains("GET timed out") == true, "\(String(describing: error))")
        #expect(error?.isConnectionFailure == true)
        try await waitUntil("the timed-out connection to close") { !connection.isActive }

        // A per-command timeout overrides the configured one.
        let other = try await RedisConnection.connect(
            configuration: server.impatientConfiguration, logger: TestRedis.logger)
        await #expect(throws: RedisClientError.self) {
            try await other.send(RESPCommand("GET", ["k"]), timeout: .milliseconds(100))
        }

        try await withClient(server.impatientConfiguration) { client in
            let error = await #expect(throws: RedisClientError.self) { try await client.send("GET", "k") }
            #expect(error?.message.contains("timed out") == true)
        }
    }

    @Test func nothingListeningFailsConnect() async throws {
        try await withClosedTCPPort { port in
            var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port))
            configuration.connectTimeout = .milliseconds(500)
            let error = await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            }
            #expect(error?.message.hasPrefix("cannot connect") == true)
            _ = try await withClient(configuration) { client in
                await #expect(throws: RedisClientError.self) { try await client.send("PING") }
            }
        }
    }

    /// The pool's health check: an error reply to `PING` (a cluster node answering `MOVED`, a
    /// server still `LOADING`) shows the connection is alive; it is not closed for it.
    @Test func anErrorReplyToTheHealthCheckKeepsTheConnection() async throws {
        let hellos = LockedBox(0)
        let pings = LockedBox(0)
        let server = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO":
                hellos.withLock { $0 += 1 }
                return .bytes(FakeRedisServer.helloReply)
            case "PING":
                pings.withLock { $0 += 1 }
                return .bytes("-LOADING Redis is loading the dataset in memory\r\n")
            default: return .bytes("+v\r\n")
            }
        }
        defer { server.stop() }
        var configuration = server.configuration
        configuration.healthCheckInterval = .milliseconds(20)
        configuration.poolSize = 1
        try await withClient(configuration) { client in
            _ = try await client.send("GET", "k")
            try await waitUntil("three health checks") { pings.current >= 3 }
            _ = try await client.send("GET", "k")
        }
        #expect(hellos.current == 1, "the connection was replaced \(hellos.current - 1) times")
    }
}
