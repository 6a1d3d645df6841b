import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// `withConnection` lends a connection no other caller writes to: transactions on it see only
/// their own commands, however much traffic the pool carries meanwhile.
@Suite("Exclusive connection leases", .timeLimit(.minutes(1)))
struct RedisExclusiveConnectionTests {
    @Test func transactionOnALeaseSeesNoneOfTheConcurrentTraffic() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            let counter = key + ":n"
            let stop = LockedBox(false)
            let (leasedID, exec, otherIDs) = try await withThrowingTaskGroup(of: Set<Int>.self) { group in
                // Other callers: INCRs on another key, pipelined, plus the id of the connection each used.
                for _ in 0..<8 {
                    group.addTask {
                        var ids = Set<Int>()
                        while !stop.current {
                            if let id = try await client.send("CLIENT", "ID").int { ids.insert(id) }
                            _ = try await client.pipeline((0..<50).map { _ in RESPCommand("INCR", [counter]) })
                        }
                        return ids
                    }
                }
                let (leasedID, exec) = try await client.withConnection { connection in
                    let id = try await connection.send(RESPCommand("CLIENT", ["ID"])).int
                    try await connection.send(RESPCommand("WATCH", [key]))
                    #expect(try await connection.send(RESPCommand("MULTI")).string == "OK")
                    #expect(try await connection.send(RESPCommand("SET", [key, "a"])).string == "QUEUED")
                    // Let the others run while the transaction is open. Had the lease been shared,
                    // their INCRs would be queued into it and this GET would read "QUEUED", not a
                    // growing number, until the deadline fails the test.
                    let before = try await client.send("GET", counter).int ?? 0
                    try await waitUntil("other callers to make progress during the transaction") {
                        (try await client.send("GET", counter).int ?? 0) >= before + 500
                    }
                    #expect(try await connection.send(RESPCommand("SET", [key + ":b", "b"])).string == "QUEUED")
                    return (id, try await connection.send(RESPCommand("EXEC")))
                }
                stop.withLock { $0 = true }
                var otherIDs = Set<Int>()
                for try await ids in group { otherIDs.formUnion(ids) }
                return (leasedID, exec, otherIDs)
            }
            // Exactly the replies of the transaction's own two commands: no other caller's INCR inside.
            let replies = try #require(exec.array)
            #expect(replies.count == 2, "the transaction held \(replies.count) commands")
            if replies.count == 2 { #expect(replies.map(\.string) == ["OK", "OK"]) }
            let leased = try #require(leasedID)
            #expect(!otherIDs.isEmpty)
            #expect(!otherIDs.contains(leased))
            #expect(try await client.send("GET", key).string == "a")
            #expect(try await client.send("GET", key + ":b").string == "b")
        }
    }

    @Test func watchAbortsTheTransactionWhenAnotherCallerWritesTheKey() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.send("SET", key, "start")
            let exec = try await client.withConnection { connection in
                try await connection.send(RESPCommand("WATCH", [key]))
                // Another caller, on a connection of the pool, changes the watched key.
                try await client.send("SET", key, "other")
                try await connection.send(RESPCommand("MULTI"))
                try await connection.send(RESPCommand("SET", [key, "mine"]))
                return try await connection.send(RESPCommand("EXEC"))
            }
            #expect(exec.isNull)
            #expect(try await client.send("GET", key).string == "other")
        }
    }

    @Test func aLeaseLeftInATransactionIsCleanedAndAFailedOneIsClosed() async throws {
        var configuration = TestRedis.configuration
        configuration.maximumIdleBlockingConnections = 1
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            // Returns with MULTI still open and a key watched.
            let first = try await client.withConnection { connection in
                try await connection.send(RESPCommand("WATCH", [key]))
                try await connection.send(RESPCommand("MULTI"))
                try await connection.send(RESPCommand("SET", [key, "never"]))
                return try await connection.send(RESPCommand("CLIENT", ["ID"])).string
            }
            #expect(first == "QUEUED")
            // The same connection comes back, outside any transaction.
            let (id, set) = try await client.withConnection { connection in
                let id = try await connection.send(RESPCommand("CLIENT", ["ID"])).int
                return (id, try await connection.send(RESPCommand("SET", [key, "now"])).string)
            }
            #expect(set == "OK")
            #expect(try await client.send("GET", key).string == "now")
            #expect(try await client.send("CLIENT", "LIST", "ID", String(try #require(id))).string?.isEmpty == false)

            // A body that throws mid-transaction: nothing more is sent, the connection is closed.
            struct Abandon: Error {}
            await #expect(throws: Abandon.self) {
                try await client.withConnection { connection in
                    try await connection.send(RESPCommand("MULTI"))
                    try await connection.send(RESPCommand("SET", [key, "abandoned"]))
                    throw Abandon()
                }
            }
            try await waitUntil("the abandoned connection to close") {
                try await client.send("CLIENT", "LIST", "ID", String(try #require(id))).string?.isEmpty == true
            }
            let nextID = try await client.withConnection { try await $0.send(RESPCommand("CLIENT", ["ID"])).int }
            #expect(nextID != id)
            #expect(try await client.send("GET", key).string == "now")
        }
    }
}
