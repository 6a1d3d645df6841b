import Foundation
import TestSupport
import Testing

/// Under `make test` every server the integration suites need must be up: a missing one fails
/// here by name (and its suites fail too), it never turns into silently skipped suites.
@Suite("Servers of make test", .enabled(if: TestServers.required))
struct RequiredServersTests {
    @Test("redis-server (TCP and unix socket) and aiosmtpd are running")
    func serversAreUp() async throws {
        #expect(await acceptsConnections(port: TestRedis.port), "redis-server is not listening on \(TestRedis.port)")
        let socket = try #require(TestRedis.socketPath, "REDIS_SOCKET is not set")
        #expect(FileManager.default.fileExists(atPath: socket), "no unix socket at \(socket)")
        #expect(MessagingTestEnv.smtpAvailable, "SMTP_TEST_PORT / SMTP_TEST_PYTHON are not set: aiosmtpd was not started")
        #expect(await acceptsConnections(port: MessagingTestEnv.smtpPort), "aiosmtpd is not listening on \(MessagingTestEnv.smtpPort)")
        #expect(TestCertificates.isSupported, "openssl is missing (TLS suites)")
    }
}
