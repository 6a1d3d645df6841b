import Foundation
import Logging
import NIOCore
import NIOPosix
import RedisClient

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the test Redis listens: `REDIS_HOST` / `REDIS_PORT` (set by scripts/test.sh), else localhost:6379.
public enum TestRedis {
    public static var host: String { ProcessInfo.processInfo.environment["REDIS_HOST"] ?? "127.0.0.1" }
    public static var port: Int { Int(ProcessInfo.processInfo.environment["REDIS_PORT"] ?? "") ?? 6379 }
    public static var socketPath: String? { ProcessInfo.processInfo.environment["REDIS_SOCKET"] }

    public static var configuration: RedisConfiguration {
        var configuration = RedisConfiguration(endpoint: .tcp(host: host, port: port))
        // Generous: the whole suite runs at once on 2 cores (OCR, libvips, clamd beside Redis).
        configuration.connectTimeout = .seconds(15)
        return configuration
    }

    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// A key no other test uses.
    public static func key(_ name: String = #function) -> String {
        "test:\(name.prefix(while: { $0 != "(" })):\(UUID().uuidString.prefix(8))"
    }

    /// A name no other test uses (client names, ACL users, consumer groups); no spaces.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// Runs `body` with a client whose `run()` is active; cancels it afterwards.
public func withClient<T: Sendable>(
    _ configuration: RedisConfiguration = TestRedis.configuration,
    _ body: (RedisClient) async throws -> T
) async throws -> T {
    let client = RedisClient(configuration: configuration, logger: TestRedis.logger)
    let runner = Task { try await client.run() }
    defer { runner.cancel() }
    return try await body(client)
}

/// A failure of the test harness itself (a condition never became true, a server did not start).
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds; throws ``TestFailure`` once `timeout` has passed.
///
/// This is how tests wait for things to happen: never a fixed sleep.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(15), _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while !(try await condition()) {
        guard clock.now < deadline else { throw TestFailure("gave up waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Runs `body`, then `cleanup` whatever the outcome (an async `defer`).
public func withCleanup<T>(_ body: () async throws -> T, cleanup: () async -> Void) async throws -> T {
    do {
        let result = try await body()
        await cleanup()
        return result
    } catch {
        await cleanup()
        throw error
    }
}

/// A value shared between tasks of a test, behind a lock.
public final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        self.lock.lock()
        defer { self.lock.unlock() }
        return try body(&self.value)
    }

    public var current: Value { self.withLock { $0 } }
}

/// A free TCP port on 127.0.0.1, found by binding a socket to port 0.
public func freeTCPPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port
    try await channel.close()
    guard let port else { throw TestFailure("no local port after binding to port 0") }
    return port
}

/// `true` when something accepts TCP connections on 127.0.0.1:`port`.
public func acceptsConnections(port: Int) async -> Bool {
    do {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(1))
            .connect(host: "127.0.0.1", port: port).get()
        try? await channel.close()
        return true
    } catch {
        return false
    }
}

/// The path of `name` in `PATH`, if it is there.
public func findExecutable(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    for directory in ["/usr/sbin", "/usr/local/sbin", "/sbin"]
    where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
        return "\(directory)/\(name)"
    }
    return nil
}

/// Runs a program to completion; throws if it exits with a non-zero status.
public func runProgram(_ executable: String, _ arguments: [String], in directory: URL) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
    }
}

/// A temporary directory, removed by ``remove()``.
public func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let base = ProcessInfo.processInfo.environment["BLUEPRINT_TEST_WORK"] ?? NSTemporaryDirectory()
    let url = URL(fileURLWithPath: base).appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Certificates for a TLS redis-server, made with `openssl` in a temporary directory.
public struct TestCertificates: Sendable {
    public let directory: URL
    /// The CA that signed the server certificate (PEM).
    public let caCertificate: String
    /// A CA that signed nothing here, to check that verification fails with it.
    public let otherCACertificate: String
    /// Server certificate for `localhost` and `127.0.0.1`.
    public let serverCertificate: String
    public let serverKey: String

    public static var isSupported: Bool { findExecutable("openssl") != nil }

    public static func make() throws -> TestCertificates {
        guard let openssl = findExecutable("openssl") else { throw TestFailure("openssl is not installed") }
        let directory = try makeTemporaryDirectory("tls")
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for name in ["ca", "other-ca"] {
            try runProgram(
                openssl,
                ["req", "-x509"] + ec + [
                    "-keyout", "\(name).key", "-out", "\(name).crt", "-days", "2", "-subj",
                    "/CN=Blueprint test \(name)",
                ],
                in: directory)
        }
        try runProgram(
            openssl, ["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            in: directory)
        try """
        subjectAltName=IP:127.0.0.1,DNS:localhost
        basicConstraints=CA:FALSE
        keyUsage=digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth

        """.write(to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try runProgram(
            openssl,
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "server.crt",
                "-days", "2", "-extfile", "server.ext",
            ],
            in: directory)
        return TestCertificates(
            directory: directory,
            caCertificate: directory.appendingPathComponent("ca.crt").path,
            otherCACertificate: directory.appendingPathComponent("other-ca.crt").path,
            serverCertificate: directory.appendingPathComponent("server.crt").path,
            serverKey: directory.appendingPathComponent("server.key").path)
    }

    public func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// A redis-server of a test's own (never the shared one), for tests that kill, suspend or
/// reconfigure the server. Runs in the foreground as a child process, without persistence.
///
/// Always stop it (`defer { server.stop() }`, or ``withPrivateRedis(_:tls:_:)``).
public final class PrivateRedis: @unchecked Sendable {
    /// The port clients connect to (the TLS port for a TLS server).
    public let port: Int
    public let directory: URL
    private let extraArguments: [String]
    private let tls: TestCertificates?
    private let lock = NSLock()
    private var process: Process?

    public static var executable: String? { findExecutable("redis-server") }

    private init(port: Int, extraArguments: [String], tls: TestCertificates?) throws {
        self.port = port
        self.extraArguments = extraArguments
        self.tls = tls
        self.directory = try makeTemporaryDirectory("redis-\(port)")
    }

    /// Starts a server on a free port; `extraArguments` are added to its command line.
    public static func start(_ extraArguments: [String] = [], tls: TestCertificates? = nil) async throws -> PrivateRedis {
        var lastError: (any Error)?
        // The free port may be taken between finding and binding it: try another then.
        for _ in 0..<3 {
            let server = try PrivateRedis(port: try await freeTCPPort(), extraArguments: extraArguments, tls: tls)
            do {
                try await server.start()
                return server
            } catch {
                lastError = error
                server.stop()
            }
        }
        throw lastError ?? TestFailure("redis-server did not start")
    }

    /// A configuration for this server (short connect timeout).
    public var configuration: RedisConfiguration {
        var configuration = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: self.port))
        // Generous: the whole suite runs at once on 2 cores (OCR, libvips, clamd beside Redis).
        configuration.connectTimeout = .seconds(15)
        return configuration
    }

    private var arguments: [String] {
        var arguments = [
            "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--dir", self.directory.path, "--logfile", self.directory.appendingPathComponent("redis.log").path,
        ]
        if let tls = self.tls {
            arguments += [
                "--port", "0", "--tls-port", String(self.port), "--tls-cert-file", tls.serverCertificate,
                "--tls-key-file", tls.serverKey, "--tls-ca-cert-file", tls.caCertificate, "--tls-auth-clients", "no",
            ]
        } else {
            arguments += ["--port", String(self.port)]
        }
        return arguments + self.extraArguments
    }

    /// Starts (or restarts, on the same port) the server and waits until it accepts connections.
    public func start() async throws {
        guard let executable = Self.executable else { throw TestFailure("redis-server is not in PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = self.arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.lock.withLock { self.process = process }
        try await waitUntil("redis-server to listen on port \(self.port)", timeout: .seconds(10)) {
            guard process.isRunning else { throw TestFailure("redis-server exited: \(self.logTail)") }
            return await acceptsConnections(port: self.port)
        }
    }

    /// Sends `signal` to the server process.
    public func signal(_ signal: Int32) {
        guard let process = self.lock.withLock({ self.process }), process.isRunning else { return }
        _ = kill(process.processIdentifier, signal)
    }

    /// `kill -9`, then waits until the process is gone.
    public func kill9() async throws {
        guard let process = self.lock.withLock({ self.process }) else { return }
        self.signal(SIGKILL)
        try await waitUntil("redis-server to exit") { !process.isRunning }
    }

    /// Freezes the server (`SIGSTOP`): connections stay open, nothing is answered.
    public func suspend() { self.signal(SIGSTOP) }

    /// Kills the server if it runs and removes its files. Safe to call more than once.
    public func stop() {
        guard let process = self.lock.withLock({ self.process }) else { return }
        if process.isRunning {
            _ = kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// The end of the server's log, for failure messages.
    public var logTail: String {
        let log = (try? String(contentsOf: self.directory.appendingPathComponent("redis.log"), encoding: .utf8)) ?? ""
        return String(log.suffix(600))
    }
}

/// Runs `body` with a private redis-server that is stopped afterwards, whatever the outcome.
public func withPrivateRedis<T>(
    _ extraArguments: [String] = [], tls: TestCertificates? = nil, _ body: (PrivateRedis) async throws -> T
) async throws -> T {
    let server = try await PrivateRedis.start(extraArguments, tls: tls)
    defer { server.stop() }
    return try await body(server)
}

/// Connections of the shared server named `name` whose current command is blocked (`flags` has `b`).
public func blockedClients(_ client: RedisClient, named name: String) async throws -> Int {
    let list = try await client.send("CLIENT", "LIST").string ?? ""
    return list.split(whereSeparator: \.isNewline).count { line in
        let fields = Dictionary(
            line.split(separator: " ").map { field -> (Substring, Substring) in
                let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }, uniquingKeysWith: { first, _ in first })
        return fields["name"] == Substring(name) && (fields["flags"]?.contains("b") ?? false)
    }
}

/// The real servers `make test` starts (scripts/test.sh exports `BLUEPRINT_TEST_REQUIRE_SERVERS=1`).
///
/// A suite that needs a server is enabled when that server is configured, or whenever the servers
/// are required: under `make test` a missing server makes its suites fail, never skip silently.
public enum TestServers {
    /// `true` under `make test`: every integration suite must run.
    public static var required: Bool { ProcessInfo.processInfo.environment["BLUEPRINT_TEST_REQUIRE_SERVERS"] == "1" }

    /// Whether a suite whose server is `available` runs: always under `make test`.
    public static func shouldRun(_ available: Bool) -> Bool { available || Self.required }
}
