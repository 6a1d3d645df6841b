import DNSClient
import JobEngine
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import Verification

/// A resolver that never answers: the job fails as a transient `dns` dependency failure.
@Suite("verify_company_domain DNS timeout", .timeLimit(.minutes(1)))
struct DomainTimeoutTests {
    @Test func aSilentResolverIsATransientDependencyFailure() async throws {
        // A bound UDP socket that reads nothing and answers nothing.
        let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(
            host: "127.0.0.1", port: 0
        ).get()
        let port = try #require(channel.localAddress?.port)
        try await withCleanup {
            let resolver = DNSResolver(
                server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: .milliseconds(200), retries: 1)
            let service = DomainVerificationService(resolver: resolver)
            let started = ContinuousClock.now
            do {
                _ = try await service.verify(VerifyCompanyDomainArguments(domain: "example-corp.com", token: "abc"))
                Issue.record("expected a timeout")
            } catch let error as JobError {
                #expect(error.kind == .transient)
                #expect(error.dependency == "dns")
                #expect(error.message == DNSResolverError.timeout.shortDescription)
            } catch {
                Issue.record("unexpected \(error)")
            }
            #expect(ContinuousClock.now - started < .seconds(5))
        } cleanup: {
            try? await channel.close()
        }
    }
}
