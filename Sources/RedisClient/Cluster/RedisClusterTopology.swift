import RESP

/// Which master serves which hash slots, parsed from `CLUSTER SHARDS` (Redis 7+) or `CLUSTER SLOTS`.
///
/// Parsing is pure and strict about what it relies on: slot numbers within 0...16383, ranges in
/// order, ports within 1...65535, a host for every master. Anything else throws
/// ``RedisClientError/clusterTopology(_:)``; replies of either protocol (RESP3 maps, RESP2 flat
/// arrays) are accepted. Unhealthy (`failed`) masters and shards without slots are left out.
struct RedisClusterTopology: Sendable, Hashable {
    /// A node's address.
    struct Node: Sendable, Hashable {
        var host: String
        var port: Int
    }

    /// A master and the slot ranges it serves.
    struct Shard: Sendable, Hashable {
        var master: Node
        var slots: [ClosedRange<Int>]
    }

    var shards: [Shard]

    /// Bounds on a reply, so a hostile server cannot make the parser allocate without end.
    static let maximumShards = 1000
    static let maximumRangesPerShard = RedisHashSlot.count

    /// For each slot, the master serving it; `nil` for slots no master serves.
    func slotOwners() -> [Node?] {
        var owners = [Node?](repeating: nil, count: RedisHashSlot.count)
        for shard in self.shards {
            for range in shard.slots {
                for slot in range { owners[slot] = shard.master }
            }
        }
        return owners
    }

    /// Every master, in reply order.
    var masters: [Node] { self.shards.map(\.master) }

    /// Parses a `CLUSTER SHARDS` reply.
    ///
    /// - Parameters:
    ///   - useTLSPort: take a node's `tls-port` (TLS clusters) rather than `port`.
    ///   - connectedHost: the host the reply came from, for nodes that report no address (`?`, empty).
    static func parseShards(_ reply: RESPValue, useTLSPort: Bool, connectedHost: String) throws -> Self {
        guard let shardValues = reply.array else {
            throw RedisClientError.clusterTopology("CLUSTER SHARDS reply is not an array")
        }
        guard shardValues.count <= Self.maximumShards else { throw RedisClientError.clusterTopology("too many shards") }
        var shards: [Shard] = []
        for shardValue in shardValues {
            guard let fields = shardValue.pairs else { throw RedisClientError.clusterTopology("a shard is not a map") }
            let slotValues = fields.first { $0.key.string == "slots" }?.value.array ?? []
            guard slotValues.count % 2 == 0, slotValues.count / 2 <= Self.maximumRangesPerShard else {
                throw RedisClientError.clusterTopology("a shard's slots are not start/end pairs")
            }
            var ranges: [ClosedRange<Int>] = []
            for index in stride(from: 0, to: slotValues.count, by: 2) {
                ranges.append(try Self.range(slotValues[index], slotValues[index + 1]))
            }
            guard let nodeValues = fields.first(where: { $0.key.string == "nodes" })?.value.array else {
                throw RedisClientError.clusterTopology("a shard has no nodes")
            }
            var master: Node?
            for nodeValue in nodeValues {
                guard let nodeFields = nodeValue.pairs else {
                    throw RedisClientError.clusterTopology("a node is not a map")
                }
                func field(_ name: String) -> RESPValue? { nodeFields.first { $0.key.string == name }?.value }
                guard field("role")?.string == "master" else { continue }
                if field("health")?.string == "fail" || field("health")?.string == "failed" { continue }
                var portValue = field("port")
                if useTLSPort, let tlsPort = field("tls-port"), (tlsPort.int ?? 0) > 0 { portValue = tlsPort }
                guard let port = portValue?.int, (1...65535).contains(port) else {
                    throw RedisClientError.clusterTopology("a master has no valid port")
                }
                var host = field("endpoint")?.string ?? ""
                if host.isEmpty || host == "?" { host = field("ip")?.string ?? "" }
                if host.isEmpty || host == "?" { host = connectedHost }
                master = Node(host: host, port: port)
                break
            }
            guard let master, !ranges.isEmpty else { continue }
            shards.append(Shard(master: master, slots: ranges))
        }
        return Self(shards: shards)
    }

    /// Parses a `CLUSTER SLOTS` reply: `[start, end, [host, port, id, ...], replicas...]` per range.
    static func parseSlots(_ reply: RESPValue, connectedHost: String) throws -> Self {
        guard let rangeValues = reply.array else {
            throw RedisClientError.clusterTopology("CLUSTER SLOTS reply is not an array")
        }
        guard rangeValues.count <= RedisHashSlot.count else {
            throw RedisClientError.clusterTopology("too many slot ranges")
        }
        var shards: [Shard] = []
        var indexOfMaster: [Node: Int] = [:]
        for rangeValue in rangeValues {
            guard let parts = rangeValue.array, parts.count >= 3 else {
                throw RedisClientError.clusterTopology("a slot range has no master")
            }
            let range = try Self.range(parts[0], parts[1])
            guard let nodeParts = parts[2].array, nodeParts.count >= 2, var host = nodeParts[0].string,
                let port = nodeParts[1].int, (1...65535).contains(port)
            else { throw RedisClientError.clusterTopology("a slot range's master has no host and port") }
            if host.isEmpty || host == "?" { host = connectedHost }
            let master = Node(host: host, port: port)
            if let index = indexOfMaster[master] {
                shards[index].slots.append(range)
            } else {
                indexOfMaster[master] = shards.count
                shards.append(Shard(master: master, slots: [range]))
            }
        }
        return Self(shards: shards)
    }

    private static func range(_ start: RESPValue, _ end: RESPValue) throws -> ClosedRange<Int> {
        guard let start = start.int, let end = end.int, 0 <= start, start <= end, end < RedisHashSlot.count else {
            throw RedisClientError.clusterTopology("slot range out of 0...16383")
        }
        return start...end
    }
}
