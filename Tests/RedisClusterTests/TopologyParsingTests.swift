import NIOCore
import RESP
import Testing

@testable import RedisClient

private func bulk(_ s: String) -> RESPValue { .bulkString(ByteBuffer(string: s)) }
private func int(_ i: Int) -> RESPValue { .integer(Int64(i)) }
private func map(_ pairs: [(String, RESPValue)]) -> RESPValue {
    .map(pairs.map { RESPMapEntry(key: bulk($0.0), value: $0.1) })
}
private func flat(_ pairs: [(String, RESPValue)]) -> RESPValue { .array(pairs.flatMap { [bulk($0.0), $0.1] }) }

private func node(
    _ port: Int, role: String, ip: String = "127.0.0.1", endpoint: String? = nil, health: String = "online",
    tlsPort: Int? = nil, asMap: Bool = true
) -> RESPValue {
    var pairs: [(String, RESPValue)] = [("id", bulk("id\(port)")), ("port", int(port)), ("ip", bulk(ip))]
    if let tlsPort { pairs.append(("tls-port", int(tlsPort))) }
    pairs += [
        ("endpoint", bulk(endpoint ?? ip)), ("role", bulk(role)), ("replication-offset", int(1)),
        ("health", bulk(health)),
    ]
    return asMap ? map(pairs) : flat(pairs)
}

private func shard(_ slots: [Int], _ nodes: [RESPValue], asMap: Bool = true) -> RESPValue {
    let pairs: [(String, RESPValue)] = [("slots", .array(slots.map(int))), ("nodes", .array(nodes))]
    return asMap ? map(pairs) : flat(pairs)
}

@Suite("Cluster topology from CLUSTER SHARDS and CLUSTER SLOTS")
struct TopologyParsingTests {
    @Test func shardsInRESP3() throws {
        let reply = RESPValue.array([
            shard([0, 5460], [node(7000, role: "master"), node(7003, role: "replica")]),
            shard([5461, 10922], [node(7004, role: "replica"), node(7001, role: "master")]),
            shard([10923, 16000, 16001, 16383], [node(7002, role: "master")]),
        ])
        let topology = try RedisClusterTopology.parseShards(reply, useTLSPort: false, connectedHost: "x")
        #expect(topology.masters.map(\.port) == [7000, 7001, 7002])
        let owners = topology.slotOwners()
        #expect(owners[0]?.port == 7000 && owners[5460]?.port == 7000)
        #expect(owners[5461]?.port == 7001 && owners[16383]?.port == 7002 && owners[16000]?.port == 7002)
        #expect(owners.allSatisfy { $0 != nil })
    }

    @Test func shardsInRESP2FlatArrays() throws {
        let reply = RESPValue.array([shard([0, 16383], [node(7000, role: "master", asMap: false)], asMap: false)])
        let topology = try RedisClusterTopology.parseShards(reply, useTLSPort: false, connectedHost: "x")
        #expect(topology.masters == [.init(host: "127.0.0.1", port: 7000)])
    }

    @Test func shardsPreferEndpointAndTLSPortAndFallBackToConnectedHost() throws {
        let reply = RESPValue.array([
            shard([0, 100], [node(7000, role: "master", ip: "10.0.0.1", endpoint: "redis-a.internal", tlsPort: 8000)]),
            shard([101, 200], [node(7001, role: "master", ip: "?", endpoint: "?")]),
            shard([201, 300], [node(7002, role: "master", tlsPort: 0)]),
        ])
        let tls = try RedisClusterTopology.parseShards(reply, useTLSPort: true, connectedHost: "seed.internal")
        #expect(
            tls.masters == [
                .init(host: "redis-a.internal", port: 8000), .init(host: "seed.internal", port: 7001),
                .init(host: "127.0.0.1", port: 7002),
            ])
        let plain = try RedisClusterTopology.parseShards(reply, useTLSPort: false, connectedHost: "seed.internal")
        #expect(plain.masters.first == .init(host: "redis-a.internal", port: 7000))
    }

    @Test func failedMastersAndEmptyShardsAreLeftOut() throws {
        let reply = RESPValue.array([
            shard([0, 100], [node(7000, role: "master", health: "fail"), node(7003, role: "replica")]),
            shard([], [node(7001, role: "master")]),
            shard([101, 16383], [node(7002, role: "master")]),
        ])
        let topology = try RedisClusterTopology.parseShards(reply, useTLSPort: false, connectedHost: "x")
        #expect(topology.masters.map(\.port) == [7002])
        #expect(topology.slotOwners()[0] == nil)
    }

    @Test func clusterSlots() throws {
        let reply = RESPValue.array([
            .array([
                int(0), int(5460), .array([bulk("127.0.0.1"), int(7000), bulk("id0")]),
                .array([bulk("127.0.0.1"), int(7003)]),
            ]),
            .array([int(5461), int(10922), .array([bulk(""), int(7001), bulk("id1")])]),
            .array([int(10923), int(16383), .array([bulk("127.0.0.1"), int(7000), bulk("id0")])]),
        ])
        let topology = try RedisClusterTopology.parseSlots(reply, connectedHost: "seed")
        #expect(topology.masters == [.init(host: "127.0.0.1", port: 7000), .init(host: "seed", port: 7001)])
        #expect(topology.shards[0].slots == [0...5460, 10923...16383])
    }

    @Test func garbageIsRefusedWithAClearError() {
        let bad: [RESPValue] = [
            bulk("not a topology"),
            .null,
            .array([bulk("x")]),
            .array([shard([0, 16384], [node(7000, role: "master")])]),
            .array([shard([10, 5], [node(7000, role: "master")])]),
            .array([shard([-1, 5], [node(7000, role: "master")])]),
            .array([shard([0], [node(7000, role: "master")])]),
            .array([shard([0, 5], [node(0, role: "master")])]),
            .array([shard([0, 5], [node(70000, role: "master")])]),
            .array([map([("slots", .array([int(0), int(5)]))])]),
            .array([map([("slots", .array([bulk("zero"), int(5)])), ("nodes", .array([node(1, role: "master")]))])]),
            .array([map([("slots", .array([int(0), int(5)])), ("nodes", .array([bulk("node")]))])]),
        ]
        for reply in bad {
            #expect(throws: RedisClientError.self, "\(reply)") {
                try RedisClusterTopology.parseShards(reply, useTLSPort: false, connectedHost: "x")
            }
        }
        let badSlots: [RESPValue] = [
            bulk("x"), .array([.array([int(0)])]), .array([.array([int(0), int(5), bulk("host")])]),
            .array([.array([int(0), int(99999), .array([bulk("h"), int(1)])])]),
            .array([.array([int(0), int(5), .array([bulk("h"), int(0)])])]),
            .array([.array([int(0), int(5), .array([int(1)])])]),
        ]
        for reply in badSlots {
            #expect(throws: RedisClientError.self, "\(reply)") {
                try RedisClusterTopology.parseSlots(reply, connectedHost: "x")
            }
        }
    }

    @Test func oversizedRepliesAreRefused() {
        let many = RESPValue.array(Array(repeating: shard([0, 1], [node(7000, role: "master")]), count: 1001))
        #expect(throws: RedisClientError.self) {
            try RedisClusterTopology.parseShards(many, useTLSPort: false, connectedHost: "x")
        }
        let ranges = RESPValue.array(
            Array(repeating: .array([int(0), int(1), .array([bulk("h"), int(1)])]), count: 16385))
        #expect(throws: RedisClientError.self) { try RedisClusterTopology.parseSlots(ranges, connectedHost: "x") }
    }
}

@Suite("redis+cluster:// URLs")
struct ClusterURLTests {
    @Test func seedsUserAndPassword() throws {
        let configuration = try RedisConfiguration(
            url: "redis+cluster://app:p%40ss@10.0.0.1:7000,10.0.0.2:7001,[::1]:7002,node-4")
        #expect(
            configuration.mode
                == .cluster(seeds: [
                    .tcp(host: "10.0.0.1", port: 7000), .tcp(host: "10.0.0.2", port: 7001),
                    .tcp(host: "::1", port: 7002),
                    .tcp(host: "node-4", port: 6379),
                ]))
        #expect(configuration.endpoint == .tcp(host: "10.0.0.1", port: 7000))
        #expect(configuration.username == "app" && configuration.password == "p@ss")
        #expect(configuration.tls == nil)
    }

    @Test func tlsBySchemeOrQuery() throws {
        let scheme = try RedisConfiguration(url: "rediss+cluster://a:1,b:2")
        #expect(scheme.tls != nil)
        #expect(scheme.tlsServerHostname == nil)
        let query = try RedisConfiguration(url: "redis+cluster://a:1?tls=1&sni=redis.internal")
        #expect(query.tls != nil && query.tlsServerHostname == "redis.internal")
        #expect(try RedisConfiguration(url: "REDIS+CLUSTER://a:1").mode == .cluster(seeds: [.tcp(host: "a", port: 1)]))
    }

    @Test func plainURLsStayStandalone() throws {
        #expect(try RedisConfiguration(url: "redis://a:1/2").mode == .standalone)
        #expect(try RedisConfiguration(url: "rediss://a:1").mode == .standalone)
        #expect(try RedisConfiguration(url: "unix:///tmp/r.sock").mode == .standalone)
    }

    @Test func badClusterURLs() {
        for url in [
            "redis+cluster://", "redis+cluster://a:1,,b:2", "redis+cluster://a:1,b:0", "redis+cluster://a:1,b:x",
            "redis+cluster://a:1/3", "redis+cluster://a:1,[::1", "redis+cluster://,",
            "redis+cluster://" + Array(repeating: "h:1", count: 65).joined(separator: ","),
            "redis+sentinel-ish://a:1",
        ] {
            #expect(throws: RedisClientError.self, "\(url)") { try RedisConfiguration(url: url) }
        }
        #expect(throws: Never.self) { try RedisConfiguration(url: "redis+cluster://a:1/0") }
    }

    @Test func errorsNeverEchoThePassword() {
        do {
            _ = try RedisConfiguration(url: "redis+cluster://u:topsecret@a:1,b:bad")
        } catch {
            #expect(!"\(error)".contains("topsecret"))
        }
    }
}
