import RESP
import TestSupport
import Testing

@testable import RedisClient

/// `rediss+cluster://` against a one-node cluster of its own that listens on TLS only: the
/// topology's `tls-port` is used, and every connection does the TLS handshake with the URL's CA.
@Suite(
    "Cluster over TLS (rediss+cluster://)",
    .enabled(if: TestServers.shouldRun(TestCertificates.isSupported), "openssl is not installed"),
    .timeLimit(.minutes(1)))
struct RedisClusterTLSTests {
    @Test func aTLSClusterIsDiscoveredAndUsedOverTLS() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let busPort = try await freeTCPPort()
        try await withPrivateRedis(
            [
                "--cluster-enabled", "yes", "--cluster-port", String(busPort), "--cluster-config-file", "nodes.conf",
                "--tls-cluster", "yes",
            ],
            tls: certificates
        ) { server in
            let url = "rediss://127.0.0.1:\(server.port)?ca_file=\(certificates.caCertificate)"
            var single = try RedisConfiguration(url: url)
            single.connectTimeout = .seconds(15)
            try await withClient(single) { admin in
                try await admin.send("CLUSTER", "ADDSLOTSRANGE", "0", "16383")
                try await waitUntil("cluster_state:ok") {
                    (try await admin.send("CLUSTER", "INFO").string ?? "").contains("cluster_state:ok")
                }
            }
            var configuration = try RedisConfiguration(
                url: "rediss+cluster://127.0.0.1:\(server.port)?ca_file=\(certificates.caCertificate)")
            configuration.connectTimeout = .seconds(15)
            try await withClient(configuration) { client in
                let keys = (0..<50).map { "tls:\($0)" }
                let replies = try await client.pipeline(keys.map { RESPCommand("SET", [$0, "over TLS"]) })
                #expect(replies.allSatisfy { $0.string == "OK" })
                #expect(try await client.send("GET", "tls:7").string == "over TLS")
                let script = RedisScript(name: "get", source: "return redis.call('GET', KEYS[1])")
                #expect(try await client.eval(script, keys: ["tls:3"], arguments: []).string == "over TLS")
                guard case .cluster(let router) = client.backend else { throw TestFailure("not a cluster client") }
                #expect(router.pooledEndpoints == [.tcp(host: "127.0.0.1", port: server.port)])
            }
            // Without the CA, the handshake fails and says so; nothing is sent in plain text.
            var untrusted = try RedisConfiguration(url: "rediss+cluster://127.0.0.1:\(server.port)")
            untrusted.connectTimeout = .seconds(3)
            try await withClient(untrusted) { client in
                let error = await #expect(throws: RedisClientError.self) { try await client.send("GET", "tls:1") }
                #expect(error?.message.contains("cluster topology") == true)
            }
        }
    }
}
