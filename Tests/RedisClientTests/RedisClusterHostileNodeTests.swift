import NIOCore
import RESP
import TestSupport
import Testing

@testable import RedisClient

/// Cluster mode against nodes that lie: garbage topologies, endless redirects. The client must
/// fail with a clear error within its bounds, never crash or loop.
@Suite("Cluster client against hostile nodes", .timeLimit(.minutes(1)))
struct RedisClusterHostileNodeTests {
    /// A `CLUSTER SHARDS` reply: one master at 127.0.0.1:`port` serving every slot.
    static func shardsReply(port: Int) -> String {
        "*1\r\n%2\r\n$5\r\nslots\r\n*2\r\n:0\r\n:16383\r\n$5\r\nnodes\r\n*1\r\n"
            + "%3\r\n$4\r\nport\r\n:\(port)\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
    }

    private func clusterConfiguration(_ server: FakeRedisServer) -> RedisConfiguration {
        var configuration = server.configuration
        configuration.mode = .cluster(seeds: [.tcp(host: "127.0.0.1", port: server.port)])
        // Generous: the whole suite runs at once on 2 cores, and a connect failure costs a try.
        configuration.connectTimeout = .seconds(15)
        configuration.clusterMaximumRedirections = 5
        configuration.commandTimeout = .seconds(30)
        return configuration
    }

    @Test(arguments: [
        "+OK\r\n",  // not an array
        "*1\r\n$5\r\nshard\r\n",  // a shard that is not a map
        "*1\r\n%1\r\n$5\r\nslots\r\n*2\r\n:0\r\n:99999\r\n",  // slots out of range, no nodes
        "*0\r\n",  // no shard at all
        "-ERR unknown subcommand\r\n",  // no CLUSTER SHARDS; and CLUSTER SLOTS below is garbage too
    ])
    func garbageTopologyFailsWithATopologyError(reply: String) async throws {
        let server = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(FakeRedisServer.helloReply)
            case "CLUSTER": return .bytes(command.dropFirst().first?.uppercased() == "SLOTS" ? "*1\r\n:5\r\n" : reply)
            default: return .bytes("+OK\r\n")
            }
        }
        defer { server.stop() }
        try await withClient(self.clusterConfiguration(server)) { client in
            let error = await #expect(throws: RedisClientError.self) { try await client.send("GET", "k") }
            #expect(error?.message.contains("cluster topology") == true, "\(String(describing: error))")
        }
    }

    @Test(arguments: ["MOVED", "ASK"])
    func endlessRedirectsStopAtTheBound(kind: String) async throws {
        let port = LockedBox(0)
        let server = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(FakeRedisServer.helloReply)
            case "CLUSTER": return .bytes(Self.shardsReply(port: port.current))
            case "ASKING": return .bytes("+OK\r\n")
            default: return .bytes("-\(kind) 7 127.0.0.1:\(port.current)\r\n")
            }
        }
        defer { server.stop() }
        port.withLock { $0 = server.port }
        try await withClient(self.clusterConfiguration(server)) { client in
            await #expect(throws: RedisClientError.tooManyRedirections("GET", 5)) { try await client.send("GET", "k") }
            // In a pipeline, the redirected reply is retried alone and fails the same way.
            await #expect(throws: RedisClientError.tooManyRedirections("GET", 5)) {
                try await client.pipeline([RESPCommand("GET", ["k"])])
            }
        }
    }

    @Test func malformedRedirectsAreOrdinaryErrorReplies() async throws {
        let port = LockedBox(0)
        let server = try await FakeRedisServer.start { _, command in
            switch command.first?.uppercased() {
            case "HELLO": return .bytes(FakeRedisServer.helloReply)
            case "CLUSTER": return .bytes(Self.shardsReply(port: port.current))
            default: return .bytes("-MOVED nowhere\r\n")
            }
        }
        defer { server.stop() }
        port.withLock { $0 = server.port }
        try await withClient(self.clusterConfiguration(server)) { client in
            let error = await #expect(throws: RedisServerError.self) { try await client.send("GET", "k") }
            #expect(error?.message == "MOVED nowhere")
        }
    }
}
