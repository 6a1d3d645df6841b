import Foundation
import Logging
import NIOConcurrencyHelpers
import RESP
import RedisClient
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import JobEngine
@testable import Observability
@testable import Policies
@testable import Secrets

@Suite("Policies inside a running engine against a real redis-server", .serialized)
struct PolicyEngineIntegrationTests {
    @Test("a dependency that refuses connections opens its breaker: jobs are deferred, none dead, all done after recovery")
    func breakerDefersUntilRecovery() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let keys = TestEnv.queue()
            let dependency = SwitchableListener()
            defer { dependency.shutdown() }
            let runs = NIOLockedValueBox<(refused: Int, connected: Int)>((0, 0))
            var registry = JobRegistry()
            registry.register(JobDefinition<PingArguments>(name: "ping", retryPolicy: RetryPolicy(maximumRetries: 50, baseDelay: .milliseconds(50), maximumDelay: .milliseconds(200)),
                                                           dependencies: ["tcp-dep"])) { args, _ in
                guard SwitchableListener.connect(port: args.port) else {
                    runs.withLockedValue { $0.refused += 1 }
                    throw JobError.dependencyFailure("tcp-dep", "connection refused by 127.0.0.1:\(args.port)")
                }
                runs.withLockedValue { $0.connected += 1 }
                return JobNoResult()
            }
            var breakerSettings = CircuitBreakerConfiguration()
            breakerSettings.consecutiveFailures = 3
            breakerSettings.openDuration = .milliseconds(300)
            breakerSettings.halfOpenProbes = 1
            breakerSettings.halfOpenRetryDelay = .milliseconds(100)
            let breakers = CircuitBreakerRegistry(configuration: breakerSettings, logger: TestEnv.logger)
            var configuration = TestEnv.engineConfiguration(keys, concurrency: 4)
            configuration.policies = [CircuitBreakerPolicy(breakers: breakers)]
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            let producer = JobProducer(client: client)
            for _ in 0..<30 {
                _ = try await producer.enqueue(queue: keys.stream, type: "ping", arguments: PingArguments(port: dependency.port))
            }
            try await waitUntil("breaker opened and jobs deferred") {
                let snapshot = breakers.snapshot(of: "tcp-dep")
                return snapshot.opened >= 1 && snapshot.deferred >= 10
            }
            #expect(try await client.xlen(keys.dead) == 0)
            try dependency.open()
            try await waitUntil("all 30 jobs succeeded", timeout: .seconds(30)) { try await outcomes(client, keys).count == 30 }
            let results = try await outcomes(client, keys)
            #expect(results.allSatisfy { $0["status"] == "succeeded" })
            #expect(try await client.xlen(keys.dead) == 0)
            #expect(breakers.snapshot(of: "tcp-dep").state == .closed)
            let counts = runs.withLockedValue { $0 }
            #expect(counts.connected == 30)
            // Deferrals spend no attempt: far fewer refused runs than deferrals.
            #expect(counts.refused < breakers.snapshot(of: "tcp-dep").deferred)
            await engine.stop()
        }
    }

    @Test("encrypted jobs run, their results are encrypted, bad ciphertext is dead-lettered without plaintext")
    func encryptedJobs() async throws {
        try await withTestClient { (client: RedisClient) async throws -> Void in
            let keys = TestEnv.queue()
            let ring = try KeyRing(parsing: "new:" + Data(repeating: 3, count: 32).base64EncodedString() + ",old:" + Data(repeating: 4, count: 32).base64EncodedString())
            let cipher = PayloadCipher(keyRing: ring)
            let oldCipher = PayloadCipher(keyRing: try KeyRing(parsing: "old:" + Data(repeating: 4, count: 32).base64EncodedString()))
            var registry = JobRegistry()
            registry.register(JobDefinition<SeedEmail>(name: "send_email")) { args, _ in ["sent_to": args.to] }
            var configuration = TestEnv.engineConfiguration(keys)
            configuration.decryptor = cipher
            let engine = RunningEngine(configuration: configuration, registry: registry, client: client)
            let producer = JobProducer(client: client, encryptor: cipher)
            let fresh = try await producer.enqueue(queue: keys.stream, type: "send_email", arguments: SeedEmail(to: "user@example.com", template: "welcome"))
            let wireOld = try oldCipher.encrypt(Data(#"{"type":"send_email","to":"old@example.com","template":"w"}"#.utf8), queue: keys.stream)
            _ = try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data", wireOld]))
            let otherQueue = try cipher.encrypt(Data(#"{"type":"send_email","to":"leak@example.com","template":"w"}"#.utf8), queue: "another_queue")
            _ = try await client.send(RESPCommand("XADD", [keys.stream, "*", "job_data", otherQueue]))
            try await waitUntil("three outcomes") { try await outcomes(client, keys).count + (try await client.xlen(keys.dead)) >= 3 }
            let results = try await outcomes(client, keys)
            let succeeded = results.filter { $0["status"] == "succeeded" }
            #expect(succeeded.count == 2)
            for result in succeeded {
                let wire = try #require(result["result"])
                #expect(wire.hasPrefix("enc:v1:new:"))
                let plain = String(decoding: try cipher.decrypt(wire, queue: keys.stream), as: UTF8.self)
                #expect(plain.contains("@example.com"))
            }
            #expect(results.contains { $0["job_id"] == fresh })
            let dead = try await client.xrange(keys.dead)
            #expect(dead.count == 1)
            let error = dead.first?["error"] ?? ""
            #expect(error.contains("failed authentication") && !error.contains("leak@example.com"))
            #expect(dead.first?["job_data"] == otherQueue, "ciphertext is kept, never decrypted back into Redis")
            await engine.stop()
        }
    }
}
