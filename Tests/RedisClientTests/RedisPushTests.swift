import NIOCore
import RESP
import RedisClient
import TestSupport
import Testing

/// RESP3 push frames (`>`) are out-of-band: they go to the push handler and never complete a command.
@Suite("RESP3 push frames", .timeLimit(.minutes(1)))
struct RedisPushTests {
    private func connect(collectingInto pushes: LockedBox<[RESPValue]>) async throws -> RedisConnection {
        try await RedisConnection.connect(
            configuration: TestRedis.configuration, logger: TestRedis.logger,
            pushHandler: { push in pushes.withLock { $0.append(push) } })
    }

    /// Keys named by `invalidate` pushes received so far.
    private func invalidatedKeys(_ pushes: LockedBox<[RESPValue]>) -> [String] {
        pushes.current.flatMap { push -> [String] in
            guard let items = push.array, items.first?.string == "invalidate" else { return [] }
            return (items.dropFirst().first?.array ?? []).compactMap(\.string)
        }
    }

    @Test func clientTrackingInvalidationsGoToThePushHandler() async throws {
        let pushes = LockedBox<[RESPValue]>([])
        let connection = try await self.connect(collectingInto: pushes)
        try await withCleanup {
            #expect(connection.protocolVersion == .resp3)
            #expect(try await connection.send(RESPCommand("CLIENT", ["TRACKING", "ON"])).string == "OK")
            let key = TestRedis.key()
            try await connection.send(RESPCommand("SET", [key, "1"]))
            #expect(try await connection.send(RESPCommand("GET", [key])).string == "1")

            // Another client changes the key: the server pushes an invalidation to us.
            _ = try await withClient { other in try await other.send("SET", key, "2") }
            try await waitUntil("the invalidation push") { self.invalidatedKeys(pushes).contains(key) }

            // Our own writes to tracked keys push invalidations between replies: the replies
            // must still match their commands, in order.
            let own = TestRedis.key()
            var commands: [RESPCommand] = []
            for n in 0..<200 {
                commands.append(RESPCommand("SET", [own, String(n)]))
                commands.append(RESPCommand("GET", [own]))
            }
            let replies = try await connection.pipeline(commands)
            #expect(replies.count == 400)
            for n in 0..<200 {
                #expect(replies[2 * n].string == "OK")
                #expect(replies[2 * n + 1].string == String(n))
            }
            try await waitUntil("invalidations of our own writes") { self.invalidatedKeys(pushes).contains(own) }
            #expect(pushes.current.allSatisfy { if case .push = $0 { true } else { false } })
            #expect(connection.isActive)
        } cleanup: {
            await connection.close()
        }
    }

    @Test func publishedMessagesGoToThePushHandler() async throws {
        let pushes = LockedBox<[RESPValue]>([])
        let connection = try await self.connect(collectingInto: pushes)
        try await withCleanup {
            let channel = TestRedis.key()
            // In RESP3 the confirmation of SUBSCRIBE is itself a push; it answers the command.
            let confirmation = try await connection.send(RESPCommand("SUBSCRIBE", [channel]))
            #expect(confirmation.array?.map { $0.string } == ["subscribe", channel, "1"])

            // RESP3 allows ordinary commands on a subscribed connection.
            #expect(try await connection.send(RESPCommand("PING")).string == "PONG")
            try await withClient { other in
                for n in 0..<3 { try await other.send("PUBLISH", channel, "message \(n)") }
            }
            let messages = {
                pushes.current.compactMap { push -> String? in
                    guard let items = push.array, items.count == 3, items[0].string == "message",
                        items[1].string == channel
                    else { return nil }
                    return items[2].string
                }
            }
            try await waitUntil("three published messages") { messages().count == 3 }
            #expect(messages() == ["message 0", "message 1", "message 2"])

            let unsubscribed = try await connection.send(RESPCommand("UNSUBSCRIBE", [channel]))
            #expect(unsubscribed.array?.first?.string == "unsubscribe")
            #expect(try await connection.send(RESPCommand("ECHO", ["still here"])).string == "still here")
        } cleanup: {
            await connection.close()
        }
    }
}
