import NIOSSL
import RESP
import RedisClient
import TestSupport
import Testing

@Suite("RedisConfiguration(url:) parsing")
struct RedisConfigurationURLTests {
    @Test func plainRedisURL() throws {
        let configuration = try RedisConfiguration(url: "redis://cache.internal:6380/2")
        #expect(configuration.endpoint == .tcp(host: "cache.internal", port: 6380))
        #expect(configuration.database == 2)
        #expect(configuration.username == nil && configuration.password == nil)
        #expect(configuration.tls == nil)
    }

    @Test func defaultsPortAndDatabase() throws {
        for url in ["redis://localhost", "redis://localhost/", "REDIS://localhost"] {
            let configuration = try RedisConfiguration(url: url)
            #expect(configuration.endpoint == .tcp(host: "localhost", port: 6379), "\(url)")
            #expect(configuration.database == 0, "\(url)")
        }
    }

    @Test func userAndPassword() throws {
        let both = try RedisConfiguration(url: "redis://worker:s3cret@localhost:6379/1")
        #expect(both.username == "worker")
        #expect(both.password == "s3cret")
        #expect(both.database == 1)

        let passwordOnly = try RedisConfiguration(url: "redis://:s3cret@localhost")
        #expect(passwordOnly.username == nil)
        #expect(passwordOnly.password == "s3cret")

        // Reserved characters are percent-encoded; the last `@` ends the user info.
        let encoded = try RedisConfiguration(url: "redis://us%3Aer:p%40ss%2Fw%3Ad@host:1")
        #expect(encoded.username == "us:er")
        #expect(encoded.password == "p@ss/w:d")
        #expect(encoded.endpoint == .tcp(host: "host", port: 1))
    }

    @Test func ipv6Hosts() throws {
        let withPort = try RedisConfiguration(url: "redis://[::1]:6380/3")
        #expect(withPort.endpoint == .tcp(host: "::1", port: 6380))
        #expect(withPort.database == 3)
        let withoutPort = try RedisConfiguration(url: "redis://user:pw@[fe80::1]")
        #expect(withoutPort.endpoint == .tcp(host: "fe80::1", port: 6379))
        #expect(withoutPort.password == "pw")
    }

    @Test func tlsURL() throws {
        let configuration = try RedisConfiguration(url: "rediss://redis.example.com:6390?ca_file=/etc/ssl/ca.pem")
        #expect(configuration.endpoint == .tcp(host: "redis.example.com", port: 6390))
        #expect(configuration.tls != nil)
        #expect(configuration.tlsServerHostname == "redis.example.com")
        let insecure = try RedisConfiguration(url: "rediss://10.0.0.5?insecure=1&sni=redis.internal")
        #expect(insecure.tls?.certificateVerification == CertificateVerification.none)
        #expect(insecure.tlsServerHostname == "redis.internal")
        #expect(insecure.endpoint == .tcp(host: "10.0.0.5", port: 6379))
    }

    @Test func unixSocketURL() throws {
        let configuration = try RedisConfiguration(url: "unix:///var/run/redis/redis.sock?db=4")
        #expect(configuration.endpoint == .unixSocket(path: "/var/run/redis/redis.sock"))
        #expect(configuration.database == 4)
        #expect(try RedisConfiguration(url: "unix:///tmp/r.sock").database == 0)
    }

    @Test(arguments: [
        ("localhost:6379", "missing scheme"),
        ("http://user:hunter2@localhost", "scheme"),
        ("redis://user:hunter2@localhost:99999", "bad port"),
        ("redis://user:hunter2@localhost:0", "bad port"),
        ("redis://user:hunter2@localhost:port", "bad port"),
        ("redis://user:hunter2@localhost:", "bad port"),
        ("redis://user:hunter2@[::1]:70000", "bad port"),
        ("redis://user:hunter2@[::1", "IPv6"),
        ("redis://user:hunter2@:6379", "missing host"),
        ("redis://user:hunter2@localhost/db1", "database"),
        ("redis://user:hunter2@localhost/-1", "database"),
        ("unix://relative/hunter2.sock", "absolute"),
        ("unix:///tmp/r.sock?db=x", "database"),
    ])
    func invalidURLsNameTheProblemWithoutThePassword(url: String, problem: String) {
        let error = #expect(throws: RedisClientError.self) { try RedisConfiguration(url: url) }
        #expect(error?.message.hasPrefix("invalid Redis URL") == true)
        #expect(error?.message.contains(problem) == true, "\(String(describing: error))")
        #expect(error.map { "\($0)".contains("hunter2") } == false)
    }
}

@Suite("Server error prefixes and cluster redirections")
struct RedisServerErrorTests {
    @Test func movedIsParsed() {
        let error = RedisServerError(message: "MOVED 3999 127.0.0.1:6381")
        #expect(error.prefix == "MOVED")
        let redirection = error.redirection
        #expect(redirection?.kind == .moved)
        #expect(redirection?.slot == 3999)
        #expect(redirection?.host == "127.0.0.1")
        #expect(redirection?.port == 6381)
    }

    @Test func askIsParsed() {
        let redirection = RedisServerError(message: "ASK 12182 redis-node-3.cluster.local:7002").redirection
        #expect(redirection?.kind == .ask)
        #expect(redirection?.slot == 12182)
        #expect(redirection?.host == "redis-node-3.cluster.local")
        #expect(redirection?.port == 7002)
    }

    @Test func ipv6AndUnknownEndpoints() {
        let ipv6 = RedisServerError(message: "MOVED 1 2001:db8::7:6379").redirection
        #expect(ipv6?.host == "2001:db8::7")
        #expect(ipv6?.port == 6379)
        // `cluster-preferred-endpoint-type unknown-endpoint`: an empty host means "the node you asked".
        let unknown = RedisServerError(message: "MOVED 5 :6380").redirection
        #expect(unknown?.host == "")
        #expect(unknown?.port == 6380)
    }

    @Test(arguments: [
        "ERR unknown command", "MOVED", "MOVED 3999", "MOVED abc 127.0.0.1:6381", "MOVED 3999 127.0.0.1",
        "MOVED 3999 127.0.0.1:port", "ASK 1 host:1 extra", "TRYAGAIN Multiple keys request during rehashing of slot",
    ])
    func otherMessagesAreNotRedirections(message: String) {
        #expect(RedisServerError(message: message).redirection == nil)
    }

    @Test func prefixes() {
        #expect(RedisServerError(message: "NOGROUP No such key 'k' or consumer group 'g'").isNoGroup)
        #expect(RedisServerError(message: "BUSYGROUP Consumer Group name already exists").isBusyGroup)
        #expect(RedisServerError(message: "NOSCRIPT No matching script. Please use EVAL.").isNoScript)
        #expect(
            RedisServerError(message: "TRYAGAIN Multiple keys request during rehashing of slot").prefix == "TRYAGAIN")
        #expect(RedisServerError(message: "ERR").prefix == "ERR")
        #expect(!RedisServerError(message: "ERR NOSCRIPT is not the prefix").isNoScript)
    }

    @Test func errorRepliesFromTheServerKeepTheirPrefix() async throws {
        try await withClient { client in
            let key = TestRedis.key()
            try await client.send("SET", key, "text")
            let wrongType = await #expect(throws: RedisServerError.self) { try await client.send("XLEN", key) }
            #expect(wrongType?.prefix == "WRONGTYPE")
            let noScript = await #expect(throws: RedisServerError.self) {
                try await client.send("EVALSHA", String(repeating: "0", count: 40), "0")
            }
            #expect(noScript?.isNoScript == true)
            // In a pipeline, error replies are values and the neighbours still answer.
            let replies = try await client.pipeline([RESPCommand("XLEN", [key]), RESPCommand("GET", [key])])
            #expect(replies.first?.errorMessage?.hasPrefix("WRONGTYPE") == true)
            #expect(replies.last?.string == "text")
        }
    }
}

@Suite("Unix socket", .enabled(if: TestServers.shouldRun(TestRedis.socketPath != nil), "REDIS_SOCKET is not set"), .timeLimit(.minutes(1)))
struct RedisUnixSocketTests {
    @Test func connectsOverTheUnixSocket() async throws {
        let path = try #require(TestRedis.socketPath)
        var configuration = try RedisConfiguration(url: "unix://\(path)?db=5")
        configuration.connectTimeout = .seconds(3)
        try await withClient(configuration) { client in
            let key = TestRedis.key()
            try await client.send("SET", key, "over-unix")
            #expect(try await client.send("GET", key).string == "over-unix")
            let info = try await client.send("CLIENT", "INFO").string ?? ""
            #expect(info.contains(" db=5 "))
            #expect(info.contains("addr=\(path)") || info.contains("laddr=\(path)"), "\(info)")
            let replies = try await client.pipeline((0..<1000).map { _ in RESPCommand("INCR", [key + ":n"]) })
            #expect(replies.last?.int == 1000)
            try await client.send("DEL", key, key + ":n")
        }
    }
}
