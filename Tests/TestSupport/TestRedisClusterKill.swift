import Foundation
import RESP
import RedisClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An unplanned failover of the shared test cluster: `kill -9` of a master, the cluster promoting
/// its replica by itself (after `cluster-node-timeout`), and the killed node restarted so that it
/// rejoins as a replica.
extension TestRedisCluster {
    /// What it takes to start a killed node again, read from the node before it is killed.
    public struct KilledNode: Sendable, CustomStringConvertible {
        public var id: String
        public var port: Int
        /// The `redis-server` arguments that start it again with the same directory, node
        /// configuration file and timeouts.
        public var arguments: [String]
        public var description: String { "node :\(self.port)" }
    }

    /// `kill -9` of the node on `port` (its pid from `INFO server`); returns once the process is gone.
    /// `beforeSignal` runs just before the signal is sent.
    public static func kill9(_ node: Node, beforeSignal: @Sendable () -> Void = {}) async throws -> KilledNode {
        let (pid, arguments) = try await withNode(node.port) { connection in
            let info = try await connection.send(RESPCommand("INFO", ["server"])).string ?? ""
            let pidLine = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("process_id:") }
            guard let pid = pidLine.flatMap({ Int32($0.dropFirst("process_id:".count)) }), pid > 1 else {
                throw TestFailure("node :\(node.port) reports no process_id")
            }
            var arguments = [
                "--port", String(node.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--cluster-enabled", "yes",
            ]
            for name in [
                "dir", "pidfile", "logfile", "cluster-config-file", "cluster-node-timeout",
                "cluster-require-full-coverage",
            ] {
                let reply = try await connection.send(RESPCommand("CONFIG", ["GET", name]))
                let value =
                    reply.array.flatMap { $0.count == 2 ? $0[1].string : nil } ?? reply.pairs?.first?.value.string
                guard let value, !value.isEmpty else { throw TestFailure("node :\(node.port) has no \(name)") }
                arguments += ["--\(name)", value]
            }
            return (pid, arguments)
        }
        beforeSignal()
        guard kill(pid, SIGKILL) == 0 else { throw TestFailure("kill -9 \(pid) failed: errno \(errno)") }
        try await waitUntil("node :\(node.port) (pid \(pid)) to exit", timeout: .seconds(10)) {
            kill(pid, 0) != 0 && errno == ESRCH
        }
        return KilledNode(id: node.id, port: node.port, arguments: arguments)
    }

    /// Starts a killed node again (it loads its node configuration and rejoins the cluster).
    public static func restart(_ node: KilledNode) async throws {
        guard let executable = PrivateRedis.executable else { throw TestFailure("redis-server is not in PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = node.arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // In the foreground, a child of this process (never waited for: Foundation's wait for a
        // daemonizing child hangs here); it writes the pid file the test servers script stops it by.
        try process.run()
        try await waitUntil("node :\(node.port) to accept connections", timeout: .seconds(15)) {
            await acceptsConnections(port: node.port)
        }
    }

    /// Waits until another node than `killed` serves `slot` as master, per every live node.
    public static func waitForPromotion(ofSlot slot: Int, awayFrom killed: KilledNode, timeout: Duration = .seconds(60))
        async throws -> Node
    {
        try await waitUntil("the cluster to promote a replica for slot \(slot)", timeout: timeout) {
            for port in ports where port != killed.port {
                guard let all = try? await nodes(askingPort: port),
                    let owner = all.first(where: { $0.isMaster && $0.serves(slot) }), owner.id != killed.id
                else { return false }
            }
            return true
        }
        return try await owner(ofSlotAskingLiveNode: slot, except: killed.port)
    }

    private static func owner(ofSlotAskingLiveNode slot: Int, except: Int) async throws -> Node {
        for port in ports where port != except {
            if let node = try? await nodes(askingPort: port).first(where: { $0.isMaster && $0.serves(slot) }) {
                return node
            }
        }
        throw TestFailure("no live node names a master for slot \(slot)")
    }

    /// Waits until the cluster is as the test servers script left it: every node answers and reports
    /// `cluster_state:ok`, 3 masters together serving all 16384 slots, 3 replicas each attached to
    /// a master with its replication link up.
    public static func waitUntilHealthy(timeout: Duration = .seconds(90)) async throws {
        try await waitUntil("the cluster to be healthy (3 masters, 3 synced replicas, every slot)", timeout: timeout) {
            try await healthProblem() == nil
        }
    }

    /// Why the cluster is not healthy yet, or `nil` when it is (see ``waitUntilHealthy(timeout:)``).
    public static func healthProblem() async throws -> String? {
        for port in ports {
            guard let info = try? await send(port, "CLUSTER", "INFO").string else {
                return "node :\(port) does not answer"
            }
            guard info.contains("cluster_state:ok") else { return "node :\(port) is not cluster_state:ok" }
            guard let all = try? await nodes(askingPort: port) else { return "node :\(port) gave no CLUSTER NODES" }
            guard all.count == 6 else { return "node :\(port) sees \(all.count) healthy nodes" }
            let masters = all.filter(\.isMaster)
            guard masters.count == 3 else { return "node :\(port) sees \(masters.count) masters" }
            let served = masters.reduce(0) { $0 + $1.slots.reduce(0) { $0 + $1.count } }
            guard served == 16384 else { return "node :\(port) sees \(served) slots served" }
            let replicas = all.filter { !$0.isMaster }
            guard Set(replicas.compactMap(\.masterID)) == Set(masters.map(\.id)) else {
                return "node :\(port) sees a master without a replica"
            }
        }
        for port in ports {
            let role = try? await send(port, "ROLE")
            guard let kind = role?.array?.first?.string else { return "node :\(port) gave no ROLE" }
            if kind == "slave" {
                let info = try await send(port, "INFO", "replication").string ?? ""
                guard info.contains("master_link_status:up") else { return "replica :\(port) is not in sync" }
            }
        }
        return nil
    }
}
