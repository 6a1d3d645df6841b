import NIOSSL
import RESP
import RedisClient
import TestSupport
import Testing

/// `rediss://` against a private redis-server listening on a TLS port, with certificates made by
/// `openssl` for this run (Debian's redis-server is built with TLS).
@Suite(
    "TLS (rediss://)", .enabled(if: TestServers.shouldRun(TestCertificates.isSupported), "openssl is not installed"),
    .timeLimit(.minutes(1)))
struct RedisTLSTests {
    private func withTLSRedis(_ body: (PrivateRedis, TestCertificates) async throws -> Void) async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try await withPrivateRedis(tls: certificates) { server in try await body(server, certificates) }
    }

    @Test func connectsWithTheCAFromTheURL() async throws {
        try await self.withTLSRedis { server, certificates in
            for host in ["127.0.0.1", "localhost"] {
                var configuration = try RedisConfiguration(
                    url: "rediss://\(host):\(server.port)/1?ca_file=\(certificates.caCertificate)")
                configuration.connectTimeout = .seconds(3)
                try await withClient(configuration) { client in
                    let key = TestRedis.key()
                    try await client.send("SET", key, "secret over TLS")
                    #expect(try await client.send("GET", key).string == "secret over TLS", "\(host)")
                    #expect((try await client.send("CLIENT", "INFO").string ?? "").contains(" db=1 "))
                    let replies = try await client.pipeline((0..<2000).map { _ in RESPCommand("INCR", [key + ":n"]) })
                    #expect(replies.last?.int == 2000)
                }
            }
        }
    }

    @Test func refusesACertificateFromAnotherCA() async throws {
        try await self.withTLSRedis { server, certificates in
            var configuration = try RedisConfiguration(
                url: "rediss://127.0.0.1:\(server.port)?ca_file=\(certificates.otherCACertificate)")
            configuration.connectTimeout = .seconds(2)
            let error = await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            }
            #expect(error?.isConnectionFailure == true)

            // Plain RESP on the TLS port gets nowhere either, and fails rather than hangs.
            var plain = RedisConfiguration(endpoint: .tcp(host: "127.0.0.1", port: server.port))
            plain.connectTimeout = .seconds(1)
            await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: plain, logger: TestRedis.logger)
            }
        }
    }

    @Test func insecureSkipsVerification() async throws {
        try await self.withTLSRedis { server, _ in
            // No CA given: the server's certificate cannot be verified, unless verification is off.
            var untrusted = try RedisConfiguration(url: "rediss://localhost:\(server.port)")
            untrusted.connectTimeout = .seconds(2)
            await #expect(throws: RedisClientError.self) {
                try await RedisConnection.connect(configuration: untrusted, logger: TestRedis.logger)
            }
            var insecure = try RedisConfiguration(url: "rediss://127.0.0.1:\(server.port)?insecure=1")
            insecure.connectTimeout = .seconds(2)
            let connection = try await RedisConnection.connect(configuration: insecure, logger: TestRedis.logger)
            #expect(try await connection.send(RESPCommand("PING")).string == "PONG")
            await connection.close()
        }
    }

    @Test func configurationWithoutURLDefaultsTheServerName() async throws {
        try await self.withTLSRedis { server, certificates in
            // Built by hand, without `tlsServerHostname`: the name checked is the endpoint's host.
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(certificates.caCertificate)
            var configuration = RedisConfiguration(endpoint: .tcp(host: "localhost", port: server.port), tls: tls)
            configuration.connectTimeout = .seconds(3)
            let connection = try await RedisConnection.connect(configuration: configuration, logger: TestRedis.logger)
            #expect(try await connection.send(RESPCommand("PING")).string == "PONG")
            await connection.close()
        }
    }
}
