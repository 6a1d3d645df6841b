import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

@Suite("Typed stream and sorted-set helpers against a real redis-server", .timeLimit(.minutes(1)))
struct RedisStreamCommandTests {
    @Test func xaddWithMaxLengthXlenAndXtrim() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            let first = try await client.xadd(key, fields: [("n", "0")])
            #expect(first.split(separator: "-").count == 2)
            // 999 more, each trimming approximately to 10: whole macro nodes go, so the length
            // ends between 10 and one node above it.
            let replies = try await client.pipeline(
                (1..<1000).map { RedisClient.xaddCommand(key, fields: [("n", String($0))], maxLength: 10) })
            #expect(replies.allSatisfy { $0.errorMessage == nil })
            let approximate = try await client.xlen(key)
            #expect(approximate >= 10 && approximate < 1000)

            try await client.xadd(key, fields: [("n", "exact")], maxLength: 5, approximate: false)
            #expect(try await client.xlen(key) == 5)
            #expect(try await client.xtrim(key, maxLength: 2, approximate: false) == 3)
            #expect(try await client.xlen(key) == 2)
            #expect(try await client.xrange(key).last?.fields == ["n": "exact"])

            let explicit = TestRedis.key()
            #expect(try await client.xadd(explicit, id: "5-1", fields: [("a", "1"), ("b", "2")]) == "5-1")
            #expect(try await client.xrange(explicit) == [RedisStreamEntry(id: "5-1", fields: ["a": "1", "b": "2"])])
            #expect(try await client.xlen(TestRedis.key()) == 0)
        }
    }

    @Test func xgroupCreateReportsBusyGroupAsFalse() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            let created = try await client.xgroupCreate(key, group: "g")
            #expect(created)
            #expect(try await client.xgroupCreate(key, group: "g") == false)
            #expect(try await client.xgroupCreate(key, group: "g2", id: "$"))

            let missing = TestRedis.key()
            await #expect(throws: RedisServerError.self) {
                try await client.xgroupCreate(missing, group: "g", makeStream: false)
            }
            let error = await #expect(throws: RedisServerError.self) {
                try await client.xreadgroup(group: "nosuchgroup", consumer: "c", streams: [(key, ">")])
            }
            #expect(error?.isNoGroup == true)
        }
    }

    @Test func xreadgroupNewEntriesThenOwnPending() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g")
            var ids: [String] = []
            for job in ["a", "b", "c"] { ids.append(try await client.xadd(key, fields: [("job", job)])) }

            let firstTwo = try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, ">")], count: 2)
            #expect(firstTwo[key]?.map(\.id) == Array(ids.prefix(2)))
            #expect(firstTwo[key]?.map { $0.fields["job"] } == ["a", "b"])
            let third = try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, ">")])
            #expect(third[key] == [RedisStreamEntry(id: ids[2], fields: ["job": "c"])])
            #expect(try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, ">")]).isEmpty)

            // `0`: the consumer's own pending entries, with their fields.
            let pending = try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, "0")])
            #expect(pending[key]?.map(\.id) == ids)
            #expect(pending[key]?.allSatisfy { !$0.isDeleted && $0.fields["job"] != nil } == true)
            // Another consumer owns nothing.
            #expect(try await client.xreadgroup(group: "g", consumer: "c2", streams: [(key, "0")])[key] ?? [] == [])

            #expect(try await client.xack(key, group: "g", ids: [ids[0]]) == 1)
            #expect(try await client.xack(key, group: "g", ids: [ids[0]]) == 0)
            #expect(try await client.xdel(key, ids: [ids[1]]) == 1)
            #expect(try await client.xdel(key, ids: [ids[1]]) == 0)

            // A deleted entry that is still pending comes back with no fields.
            let afterDelete = try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, "0")])
            #expect(afterDelete[key]?.map(\.id) == [ids[1], ids[2]])
            #expect(afterDelete[key]?.first?.isDeleted == true)
            #expect(afterDelete[key]?.last == RedisStreamEntry(id: ids[2], fields: ["job": "c"]))
        }
    }

    @Test func xreadgroupOverSeveralStreams() async throws {
        try await withClient { client in
            let (one, two, quiet) = (TestRedis.key(), TestRedis.key(), TestRedis.key())
            for key in [one, two, quiet] { try await client.xgroupCreate(key, group: "g") }
            let idOne = try await client.xadd(one, fields: [("s", "1")])
            let idTwo = try await client.xadd(two, fields: [("s", "2")])
            let read = try await client.xreadgroup(
                group: "g", consumer: "c", streams: [(one, ">"), (two, ">"), (quiet, ">")], noAck: true)
            #expect(read[one]?.map(\.id) == [idOne])
            #expect(read[two]?.map(\.id) == [idTwo])
            #expect(read[quiet] == nil)
            // NOACK: nothing is pending.
            #expect(try await client.xpending(one, group: "g").count == 0)
        }
    }

    @Test func xautoclaimTakesIdleEntriesAndReportsDeletedOnes() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g")
            var ids: [String] = []
            for n in 0..<3 { ids.append(try await client.xadd(key, fields: [("n", String(n))])) }
            _ = try await client.xreadgroup(group: "g", consumer: "dead", streams: [(key, ">")])
            try await client.xdel(key, ids: [ids[1]])

            // Redis 7: [cursor, claimed entries, deleted IDs].
            let claimed = try await client.xautoclaim(key, group: "g", consumer: "alive", minIdle: .zero)
            #expect(claimed.nextStart == "0-0")
            #expect(
                claimed.entries == [
                    RedisStreamEntry(id: ids[0], fields: ["n": "0"]), RedisStreamEntry(id: ids[2], fields: ["n": "2"]),
                ])
            #expect(claimed.deletedIDs == [ids[1]])
            // The deleted entry left the pending list; the others moved to "alive".
            let summary = try await client.xpending(key, group: "g")
            #expect(summary.count == 2)
            #expect(summary.consumers == ["alive": 2])

            let justIDs = try await client.xautoclaim(key, group: "g", consumer: "third", minIdle: .zero, justID: true)
            #expect(
                justIDs.entries == [
                    RedisStreamEntry(id: ids[0], fields: [:]), RedisStreamEntry(id: ids[2], fields: [:]),
                ])
            #expect(justIDs.deletedIDs.isEmpty)

            // COUNT pages through the pending list with the cursor.
            let page = try await client.xautoclaim(key, group: "g", consumer: "fourth", minIdle: .zero, count: 1)
            #expect(page.entries.map(\.id) == [ids[0]])
            #expect(page.nextStart != "0-0")
            let rest = try await client.xautoclaim(
                key, group: "g", consumer: "fourth", minIdle: .zero, start: page.nextStart)
            #expect(rest.entries.map(\.id) == [ids[2]])

            // Not idle long enough: nothing claimed.
            let none = try await client.xautoclaim(key, group: "g", consumer: "fifth", minIdle: .seconds(3600))
            #expect(none.entries.isEmpty)
        }
    }

    @Test func parseAutoClaimAcceptsTheRedis62TwoElementReply() throws {
        // XAUTOCLAIM of Redis 6.2: [cursor, [[id, [field, value]]]] with no deleted-ID list.
        var bytes = ByteBuffer(
            string:
                "*2\r\n$3\r\n0-0\r\n*2\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$3\r\njob\r\n$1\r\na\r\n*2\r\n$3\r\n2-0\r\n*-1\r\n")
        let reply = try #require(try RESPDecoder().decode(buffer: &bytes))
        let result = try RedisClient.parseAutoClaim(reply, justID: false)
        #expect(result.nextStart == "0-0")
        #expect(
            result.entries == [
                RedisStreamEntry(id: "1-0", fields: ["job": "a"]),
                RedisStreamEntry(id: "2-0", fields: [:], isDeleted: true),
            ])
        #expect(result.deletedIDs.isEmpty)

        var justID = ByteBuffer(string: "*2\r\n$6\r\n1234-5\r\n*2\r\n$3\r\n1-0\r\n$3\r\n2-0\r\n")
        let idsReply = try #require(try RESPDecoder().decode(buffer: &justID))
        let ids = try RedisClient.parseAutoClaim(idsReply, justID: true)
        #expect(ids.nextStart == "1234-5")
        #expect(ids.entries.map(\.id) == ["1-0", "2-0"])
    }

    @Test func parseAutoClaimAcceptsTheRedis7ThreeElementReplyAndRefusesOthers() throws {
        var bytes = ByteBuffer(string: "*3\r\n$3\r\n0-0\r\n*0\r\n*2\r\n$3\r\n3-0\r\n$3\r\n4-0\r\n")
        let reply = try #require(try RESPDecoder().decode(buffer: &bytes))
        let result = try RedisClient.parseAutoClaim(reply, justID: false)
        #expect(result == RedisAutoClaimResult(nextStart: "0-0", entries: [], deletedIDs: ["3-0", "4-0"]))

        for malformed: RESPValue in [
            .null, .integer(1), .array([.bulkString(ByteBuffer(string: "0-0"))]),
            .array([.bulkString(ByteBuffer(string: "0-0")), .integer(3)]),
            .array([.bulkString(ByteBuffer(string: "0-0")), .array([.integer(1)])]),
        ] {
            #expect(throws: RedisClientError.self) { try RedisClient.parseAutoClaim(malformed, justID: false) }
        }
    }

    @Test func xclaimWithAndWithoutJustID() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g")
            let first = try await client.xadd(key, fields: [("n", "1")])
            let second = try await client.xadd(key, fields: [("n", "2")])
            _ = try await client.xreadgroup(group: "g", consumer: "c1", streams: [(key, ">")])

            let claimed = try await client.xclaim(key, group: "g", consumer: "c2", minIdle: .zero, ids: [first])
            #expect(claimed == [RedisStreamEntry(id: first, fields: ["n": "1"])])
            // JUSTID returns IDs only and leaves the delivery count alone.
            let renewed = try await client.xclaim(
                key, group: "g", consumer: "c3", minIdle: .zero, ids: [second], justID: true)
            #expect(renewed == [RedisStreamEntry(id: second, fields: [:])])

            let pending = try await client.xpending(key, group: "g", count: 10)
            #expect(pending.map(\.id) == [first, second])
            #expect(pending.map(\.consumer) == ["c2", "c3"])
            #expect(pending.map(\.deliveryCount) == [2, 1])

            // Too recently delivered for min-idle: not claimed.
            #expect(
                try await client.xclaim(key, group: "g", consumer: "c4", minIdle: .seconds(3600), ids: [first]).isEmpty)
            // IDLE and RETRYCOUNT set the pending entry's metadata.
            _ = try await client.xclaim(
                key, group: "g", consumer: "c4", minIdle: .zero, ids: [first], idle: .seconds(600), retryCount: 7)
            let updated = try await client.xpending(key, group: "g", start: first, end: first, count: 1)
            #expect(updated.first?.deliveryCount == 7)
            #expect((updated.first?.idleMilliseconds ?? 0) >= 600_000)
            // FORCE claims an entry nobody read; a deleted one is dropped from the reply.
            let unread = try await client.xadd(key, fields: [("n", "3")])
            #expect(
                try await client.xclaim(key, group: "g", consumer: "c5", minIdle: .zero, ids: [unread], force: true)
                    .map(\.id) == [unread])
            try await client.xdel(key, ids: [second])
            #expect(try await client.xclaim(key, group: "g", consumer: "c5", minIdle: .zero, ids: [second]).isEmpty)
        }
    }

    @Test func xpendingSummaryAndExtended() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g")
            let empty = try await client.xpending(key, group: "g")
            #expect(empty == RedisPendingSummary(count: 0, smallestID: nil, largestID: nil, consumers: [:]))
            #expect(try await client.xpending(key, group: "g", count: 10).isEmpty)

            var ids: [String] = []
            for n in 0..<5 { ids.append(try await client.xadd(key, fields: [("n", String(n))])) }
            _ = try await client.xreadgroup(group: "g", consumer: "a", streams: [(key, ">")], count: 3)
            _ = try await client.xreadgroup(group: "g", consumer: "b", streams: [(key, ">")])

            let summary = try await client.xpending(key, group: "g")
            #expect(
                summary
                    == RedisPendingSummary(
                        count: 5, smallestID: ids[0], largestID: ids[4], consumers: ["a": 3, "b": 2]))

            let all = try await client.xpending(key, group: "g", count: 100)
            #expect(all.map(\.id) == ids)
            #expect(all.allSatisfy { $0.deliveryCount == 1 && $0.idleMilliseconds >= 0 })
            #expect(try await client.xpending(key, group: "g", count: 2).map(\.id) == Array(ids.prefix(2)))
            #expect(
                try await client.xpending(key, group: "g", count: 100, consumer: "b").map(\.id) == Array(ids.suffix(2)))
            #expect(
                try await client.xpending(key, group: "g", start: ids[1], end: ids[3], count: 100).map(\.id)
                    == Array(ids[1...3]))
            #expect(try await client.xpending(key, group: "g", count: 100, minIdle: .seconds(3600)).isEmpty)
        }
    }

    @Test func xinfoGroupsStreamAndConsumers() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "workers")
            let first = try await client.xadd(key, fields: [("n", "1")])
            let last = try await client.xadd(key, fields: [("n", "2")])
            _ = try await client.xreadgroup(group: "workers", consumer: "w1", streams: [(key, ">")], count: 1)

            let groups = try await client.xinfoGroups(key)
            #expect(groups.count == 1)
            #expect(groups.first?["name"]?.string == "workers")
            #expect(groups.first?["consumers"]?.int == 1)
            #expect(groups.first?["pending"]?.int == 1)
            #expect(groups.first?["last-delivered-id"]?.string == first)

            let stream = try await client.xinfoStream(key)
            #expect(stream["length"]?.int == 2)
            #expect(stream["groups"]?.int == 1)
            #expect(stream["last-generated-id"]?.string == last)
            #expect(stream["first-entry"]?.array?.first?.string == first)

            let consumers = try await client.xinfoConsumers(key, group: "workers")
            #expect(consumers.count == 1)
            #expect(consumers.first?["name"]?.string == "w1")
            #expect(consumers.first?["pending"]?.int == 1)
            #expect(consumers.first?["idle"]?.int != nil)

            let error = await #expect(throws: RedisServerError.self) {
                try await client.xinfoConsumers(key, group: "nope")
            }
            #expect(error?.isNoGroup == true)
        }
    }

    @Test func xgroupDestroyAndDeleteConsumer() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.xgroupCreate(key, group: "g")
            for n in 0..<3 { try await client.xadd(key, fields: [("n", String(n))]) }
            _ = try await client.xreadgroup(group: "g", consumer: "leaving", streams: [(key, ">")], count: 2)
            _ = try await client.xreadgroup(group: "g", consumer: "staying", streams: [(key, ">")])

            #expect(try await client.xgroupDeleteConsumer(key, group: "g", consumer: "leaving") == 2)
            #expect(try await client.xinfoConsumers(key, group: "g").compactMap { $0["name"]?.string } == ["staying"])
            #expect(try await client.xpending(key, group: "g").count == 1)
            #expect(try await client.xgroupDeleteConsumer(key, group: "g", consumer: "never-seen") == 0)

            #expect(try await client.xgroupDestroy(key, group: "g"))
            #expect(try await client.xgroupDestroy(key, group: "g") == false)
            #expect(try await client.xinfoGroups(key).isEmpty)
        }
    }

    @Test func sortedSetHelpers() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            let added = try await client.zadd(key, members: [(3, "c"), (1, "a"), (2.5, "b"), (-1e300, "tiny")])
            #expect(added == 4)
            #expect(try await client.zadd(key, members: [(4, "c"), (5, "d")]) == 1)  // "c" updated, "d" added
            #expect(try await client.zcard(key) == 5)
            #expect(try await client.zrangebyscore(key, min: "-inf", max: "+inf") == ["tiny", "a", "b", "c", "d"])
            #expect(try await client.zrangebyscore(key, min: "1", max: "3") == ["a", "b"])
            #expect(try await client.zrangebyscore(key, min: "(1", max: "4") == ["b", "c"])
            #expect(
                try await client.zrangebyscore(key, min: "-inf", max: "+inf", limit: (offset: 1, count: 2)) == [
                    "a", "b",
                ])
            #expect(try await client.send("ZSCORE", key, "b").string.flatMap(Double.init) == 2.5)
            #expect(try await client.zrem(key, members: ["a", "d", "missing"]) == 2)
            #expect(try await client.zrangebyscore(key, min: "-inf", max: "+inf") == ["tiny", "b", "c"])
            #expect(try await client.zrangebyscore(TestRedis.key(), min: "-inf", max: "+inf").isEmpty)
        }
    }
}
