import Foundation
import RESP
import RedisClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A Redis master, one replica and three sentinels (`redis-server sentinel.conf --sentinel`) of a
/// test's own, on free loopback ports, for tests that fail over, kill or freeze nodes. Sentinels
/// watch the master as ``masterName`` with quorum 2, `down-after-milliseconds 1000` and
/// `failover-timeout 5000`.
///
/// Always stop it (``withPrivateSentinelSet(_:)``).
public final class PrivateSentinelSet: @unchecked Sendable {
    /// The name the sentinels monitor the master under.
    public let masterName = "bpmaster"
    /// The two data nodes; which one is master changes with failovers (ask ``masterPort()``).
    public let nodes: [PrivateRedis]
    /// Ports of the three sentinels.
    public let sentinelPorts: [Int]
    public let directory: URL
    private let lock = NSLock()
    private var sentinels: [Process] = []

    private init(nodes: [PrivateRedis], sentinelPorts: [Int], directory: URL) {
        self.nodes = nodes
        self.sentinelPorts = sentinelPorts
        self.directory = directory
    }

    /// `redis+sentinel://127.0.0.1:s1,127.0.0.1:s2,127.0.0.1:s3/bpmaster`.
    public var url: String {
        "redis+sentinel://" + self.sentinelPorts.map { "127.0.0.1:\($0)" }.joined(separator: ",")
            + "/\(self.masterName)"
    }

    /// A client configuration from ``url``, with generous timeouts for a loaded machine.
    public func configuration() throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: self.url)
        configuration.connectTimeout = .seconds(15)
        return configuration
    }

    /// Starts master, replica and sentinels; returns once every sentinel sees the replica and the
    /// two other sentinels.
    public static func start() async throws -> PrivateSentinelSet {
        let master = try await PrivateRedis.start()
        let replica: PrivateRedis
        do {
            replica = try await PrivateRedis.start(["--replicaof", "127.0.0.1", String(master.port)])
        } catch {
            master.stop()
            throw error
        }
        let directory = try makeTemporaryDirectory("sentinels")
        var ports: [Int] = []
        for _ in 0..<3 { ports.append(try await freeTCPPort()) }
        let set = PrivateSentinelSet(nodes: [master, replica], sentinelPorts: ports, directory: directory)
        do {
            for port in ports { try set.startSentinel(port: port, masterPort: master.port) }
            try await set.waitUntilSettled()
        } catch {
            set.stop()
            throw error
        }
        return set
    }

    private func startSentinel(port: Int, masterPort: Int) throws {
        guard let executable = PrivateRedis.executable else { throw TestFailure("redis-server is not in PATH") }
        let dir = self.directory.appendingPathComponent("s\(port)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let conf = dir.appendingPathComponent("sentinel.conf")
        try """
        port \(port)
        bind 127.0.0.1
        daemonize no
        dir \(dir.path)
        logfile \(dir.appendingPathComponent("sentinel.log").path)
        sentinel monitor \(self.masterName) 127.0.0.1 \(masterPort) 2
        sentinel down-after-milliseconds \(self.masterName) 1000
        sentinel failover-timeout \(self.masterName) 5000
        sentinel parallel-syncs \(self.masterName) 1

        """.write(to: conf, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [conf.path, "--sentinel"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.lock.withLock { self.sentinels.append(process) }
    }

    /// Sends a command to the sentinel on `port` on a connection of its own.
    public func sentinelCommand(_ port: Int, _ arguments: [String]) async throws -> RESPValue {
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: port))
        configuration.connectTimeout = .seconds(5)
        let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        let reply = await captured {
            try await connection.send(RESPCommand(arguments[0], Array(arguments.dropFirst())))
        }
        await connection.close()
        return try reply.get()
    }

    /// `SENTINEL MASTER bpmaster` of one sentinel, as a dictionary.
    public func masterInfo(sentinel port: Int) async throws -> [String: String] {
        let reply = try await self.sentinelCommand(port, ["SENTINEL", "MASTER", self.masterName])
        var info: [String: String] = [:]
        if let pairs = reply.pairs {
            for pair in pairs {
                if let k = pair.key.string, let v = pair.value.string ?? pair.value.int.map(String.init) { info[k] = v }
            }
        } else if let items = reply.array {
            for i in stride(from: 0, to: items.count - 1, by: 2) {
                if let k = items[i].string, let v = items[i + 1].string { info[k] = v }
            }
        }
        return info
    }

    /// Waits (up to `timeout`) until every sentinel agrees on one master, sees a replica and the two
    /// other sentinels, and the master is not flagged down: the set can fail over again.
    public func waitUntilSettled(timeout: Duration = .seconds(60)) async throws {
        try await waitUntil("sentinels to see the master, its replica and each other", timeout: timeout) {
            var masters = Set<String>()
            for port in self.sentinelPorts {
                guard let info = try? await self.masterInfo(sentinel: port),
                    info["num-slaves"].flatMap(Int.init) ?? 0 >= 1,
                    info["num-other-sentinels"].flatMap(Int.init) ?? 0 >= 2,
                    let flags = info["flags"], flags == "master",
                    let ip = info["ip"], let port = info["port"]
                else { return false }
                masters.insert("\(ip):\(port)")
            }
            guard masters.count == 1, let port = masters.first?.split(separator: ":").last.flatMap({ Int($0) }) else {
                return false
            }
            // The replica must be in sync (link up) for a failover to pick it.
            return await self.replicaLinkUp(masterPort: port)
        }
    }

    private func replicaLinkUp(masterPort: Int) async -> Bool {
        guard let replica = self.nodes.first(where: { $0.port != masterPort }) else { return false }
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: replica.port))
        configuration.connectTimeout = .seconds(2)
        guard
            let connection = try? await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        else {
            return false
        }
        let info = (try? await connection.send(RESPCommand("INFO", ["replication"])))?.string ?? ""
        await connection.close()
        return info.contains("master_link_status:up") && info.contains("master_port:\(masterPort)")
    }

    /// The port of the node the first answering sentinel names master.
    public func masterPort() async throws -> Int {
        for port in self.sentinelPorts {
            guard
                let reply = try? await self.sentinelCommand(
                    port, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.masterName]),
                let items = reply.array, items.count == 2, let p = items[1].string.flatMap({ Int($0) })
            else { continue }
            return p
        }
        throw TestFailure("no sentinel answered")
    }

    /// The node that is master now (per the sentinels).
    public func master() async throws -> PrivateRedis {
        let port = try await self.masterPort()
        guard let node = self.nodes.first(where: { $0.port == port }) else {
            throw TestFailure("unknown master port \(port)")
        }
        return node
    }

    /// `SENTINEL FAILOVER bpmaster` (planned), then waits until the sentinels name the other node.
    public func failover() async throws -> (from: Int, to: Int) {
        let before = try await self.masterPort()
        _ = try await self.sentinelCommand(self.sentinelPorts[0], ["SENTINEL", "FAILOVER", self.masterName])
        try await waitUntil("sentinels to name a new master", timeout: .seconds(60)) {
            (try? await self.masterPort()).map { $0 != before } ?? false
        }
        return (before, try await self.masterPort())
    }

    /// Restarts a killed node as a replica of the current master (sentinels then reconfigure it).
    public func restartAsReplica(_ node: PrivateRedis) async throws {
        let master = try await self.masterPort()
        try await node.start()
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: node.port))
        configuration.connectTimeout = .seconds(5)
        let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
        let reply = await captured {
            try await connection.send(RESPCommand("REPLICAOF", ["127.0.0.1", String(master)]))
        }
        await connection.close()
        _ = try reply.get()
    }

    /// Stops every process and removes the files. Safe to call more than once.
    public func stop() {
        let sentinels = self.lock.withLock { self.sentinels }
        for process in sentinels where process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        for node in self.nodes { node.stop() }
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// The end of each sentinel's log, for failure messages.
    public var logTail: String {
        self.sentinelPorts.map { port in
            let log =
                (try? String(
                    contentsOf: self.directory.appendingPathComponent("s\(port)/sentinel.log"), encoding: .utf8)) ?? ""
            return "sentinel \(port): \(log.suffix(400))"
        }.joined(separator: "\n")
    }
}

/// Runs `body` with a private master + replica + 3 sentinels, stopped afterwards whatever the outcome.
public func withPrivateSentinelSet<T>(_ body: (PrivateSentinelSet) async throws -> T) async throws -> T {
    let set = try await PrivateSentinelSet.start()
    defer { set.stop() }
    return try await body(set)
}

/// The outcome of `body` as a value, so cleanup can run before it is rethrown.
private func captured<T>(_ body: () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
