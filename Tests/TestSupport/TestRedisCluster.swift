import Foundation
import RESP
import RedisClient

/// The Redis Cluster `make test` starts (scripts/test-servers/redis-cluster.sh): 3 masters and 3
/// replicas on loopback, `REDIS_CLUSTER_TEST_URL` and `REDIS_CLUSTER_TEST_PORTS`.
///
/// Also the operator's tools the cluster tests need: the nodes as `CLUSTER NODES` reports them,
/// moving a slot between masters (`SETSLOT IMPORTING/MIGRATING`, `MIGRATE`, `SETSLOT NODE`) and a
/// manual `CLUSTER FAILOVER`. Tests reconfigure the shared cluster, so each reads the layout it
/// needs when it needs it and leaves every slot served.
public enum TestRedisCluster {
    /// `redis+cluster://127.0.0.1:P1,...` when the cluster was started.
    public static var url: String? { ProcessInfo.processInfo.environment["REDIS_CLUSTER_TEST_URL"] }
    /// The six node ports.
    public static var ports: [Int] {
        (ProcessInfo.processInfo.environment["REDIS_CLUSTER_TEST_PORTS"] ?? "").split(separator: " ").compactMap {
            Int($0)
        }
    }
    /// Whether the cluster suites can run (always required under `make test`).
    public static var isAvailable: Bool { url != nil && ports.count == 6 }

    /// `BLUEPRINT_TEST_REDIS=cluster`: suites that honour it (the engine suite) run on the cluster.
    public static var isSelectedForSharedSuites: Bool {
        ProcessInfo.processInfo.environment["BLUEPRINT_TEST_REDIS"] == "cluster"
    }

    /// The configuration suites honouring `BLUEPRINT_TEST_REDIS=cluster` use instead of
    /// ``TestRedis/configuration``; `nil` when not selected. Selected without a cluster, it names
    /// a cluster no node of which answers, so those suites fail (never pass on the single server).
    public static var sharedSuiteConfiguration: RedisConfiguration? {
        guard isSelectedForSharedSuites else { return nil }
        if let configuration = try? configuration { return configuration }
        var unreachable = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: 1))
        unreachable.mode = .cluster(seeds: [.tcp(host: "127.0.0.1", port: 1)])
        unreachable.connectTimeout = .seconds(1)
        return unreachable
    }

    /// A client configuration for the cluster, with the generous connect timeout of the test suite.
    public static var configuration: RedisConfiguration {
        get throws {
            guard let url else {
                throw TestFailure("REDIS_CLUSTER_TEST_URL is not set (scripts/test-servers/redis-cluster.sh)")
            }
            var configuration = try RedisConfiguration(url: url)
            configuration.connectTimeout = .seconds(15)
            return configuration
        }
    }

    /// One node as `CLUSTER NODES` shows it.
    public struct Node: Sendable, Hashable, CustomStringConvertible {
        public var id: String
        public var port: Int
        public var isMaster: Bool
        /// The master's id, for a replica.
        public var masterID: String?
        /// The slots this master serves.
        public var slots: [ClosedRange<Int>]

        public func serves(_ slot: Int) -> Bool { slots.contains { $0.contains(slot) } }
        public var description: String { "\(isMaster ? "master" : "replica") :\(port)" }
    }

    /// Runs `body` on a plain connection to one node (no redirects followed).
    public static func withNode<T>(_ port: Int, _ body: (RedisConnection) async throws -> T) async throws -> T {
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port))
        configuration.connectTimeout = .seconds(15)
        let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Sends one command to one node.
    @discardableResult
    public static func send(_ port: Int, _ arguments: String...) async throws -> RESPValue {
        try await withNode(port) { try await $0.send(RESPCommand(arguments[0], Array(arguments.dropFirst()))) }
    }

    /// The nodes as `port` sees them.
    public static func nodes(askingPort port: Int? = nil) async throws -> [Node] {
        let text = try await send(port ?? ports[0], "CLUSTER", "NODES").string ?? ""
        return text.split(separator: "\n").compactMap { line -> Node? in
            let fields = line.split(separator: " ")
            guard fields.count >= 8 else { return nil }
            let address = fields[1].split(separator: "@")[0]
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
                return nil
            }
            let flags = fields[2].split(separator: ",")
            guard !flags.contains("fail"), !flags.contains("noaddr") else { return nil }
            var slots: [ClosedRange<Int>] = []
            for field in fields.dropFirst(8) where !field.hasPrefix("[") {
                let bounds = field.split(separator: "-").compactMap { Int($0) }
                if bounds.count == 1 { slots.append(bounds[0]...bounds[0]) }
                if bounds.count == 2 { slots.append(bounds[0]...bounds[1]) }
            }
            return Node(
                id: String(fields[0]), port: port, isMaster: flags.contains("master"),
                masterID: fields[3] == "-" ? nil : String(fields[3]), slots: slots)
        }
    }

    /// The master serving `slot`.
    public static func owner(of slot: Int) async throws -> Node {
        guard let node = try await nodes().first(where: { $0.isMaster && $0.serves(slot) }) else {
            throw TestFailure("no master serves slot \(slot)")
        }
        return node
    }

    /// Moves `slot` to another master the way `redis-cli --cluster reshard` does. `whileMigrating`
    /// runs once the slot is MIGRATING/IMPORTING, before any key moved; `afterKeysMoved` once every
    /// key moved but before the slot is handed over (so the source answers ASK).
    /// Returns the new owner.
    @discardableResult
    public static func migrate(
        slot: Int, keysPerMigrate: Int = 100,
        whileMigrating: () async throws -> Void = {}, afterKeysMoved: () async throws -> Void = {}
    ) async throws -> Node {
        let all = try await nodes()
        guard let source = all.first(where: { $0.isMaster && $0.serves(slot) }),
            let target = all.first(where: { $0.isMaster && !$0.serves(slot) })
        else { throw TestFailure("no two masters to move slot \(slot) between") }
        try await send(target.port, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id)
        try await send(source.port, "CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id)
        try await whileMigrating()
        while true {
            let keys =
                try await send(source.port, "CLUSTER", "GETKEYSINSLOT", String(slot), String(keysPerMigrate))
                .array?.compactMap(\.string) ?? []
            if keys.isEmpty { break }
            var migrate = ["MIGRATE", "127.0.0.1", String(target.port), "", "0", "30000", "KEYS"]
            migrate += keys
            _ = try await withNode(source.port) {
                try await $0.send(RESPCommand(migrate[0], Array(migrate.dropFirst())), timeout: .seconds(60))
            }
        }
        try await afterKeysMoved()
        // The target first, then the source, then the others (as redis-cli does).
        for node in [target, source] + all.filter({ $0.isMaster && $0.id != target.id && $0.id != source.id }) {
            try await send(node.port, "CLUSTER", "SETSLOT", String(slot), "NODE", target.id)
        }
        try await waitUntilConsistent { $0.first { $0.isMaster && $0.serves(slot) }?.id == target.id }
        return target
    }

    /// Promotes the replica of the master serving `slot` with `CLUSTER FAILOVER` (the old master
    /// turns replica once the replica caught up, so no write is lost). Returns the new master.
    @discardableResult
    public static func failover(ofSlot slot: Int) async throws -> Node {
        let all = try await nodes()
        guard let master = all.first(where: { $0.isMaster && $0.serves(slot) }),
            let replica = all.first(where: { !$0.isMaster && $0.masterID == master.id })
        else { throw TestFailure("the master of slot \(slot) has no replica") }
        try await send(replica.port, "CLUSTER", "FAILOVER")
        try await waitUntilConsistent { $0.first { $0.isMaster && $0.serves(slot) }?.id == replica.id }
        return replica
    }

    /// Clients blocked (`BLPOP`, `XREAD BLOCK`...) on all nodes together.
    public static func blockedClients() async throws -> Int {
        var total = 0
        for port in ports {
            let info = try await send(port, "INFO", "clients").string ?? ""
            let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("blocked_clients:") }
            total += line.flatMap { Int($0.dropFirst("blocked_clients:".count)) } ?? 0
        }
        return total
    }

    /// Waits until every node reports `cluster_state:ok` and agrees with `condition` on its view.
    public static func waitUntilConsistent(_ condition: @escaping ([Node]) -> Bool = { _ in true }) async throws {
        try await waitUntil("the cluster to settle", timeout: .seconds(30)) {
            for port in ports {
                let info = try await send(port, "CLUSTER", "INFO").string ?? ""
                guard info.contains("cluster_state:ok") else { return false }
                guard condition(try await nodes(askingPort: port)) else { return false }
            }
            return true
        }
    }
}
