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
            // The timeouts run on a stepped clock: each try ends when the test advances it, never
            // because the machine is slow.
            let clock = SteppedClock()
            let timeout = Duration.seconds(2)
            let resolver = DNSResolver(
                server: DNSServerAddress(host: "127.0.0.1", port: port), timeout: timeout, retries: 1, clock: clock)
            let service = DomainVerificationService(resolver: resolver)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    do {
                        _ = try await service.verify(
                            VerifyCompanyDomainArguments(domain: "example-corp.com", token: "abc"))
                        Issue.record("expected a timeout")
                    } catch let error as JobError {
                        #expect(error.kind == .transient)
                        #expect(error.dependency == "dns")
                        #expect(error.message == DNSResolverError.timeout.shortDescription)
                    } catch {
                        Issue.record("unexpected \(error)")
                    }
                }
                // The MX and TXT lookups run side by side, two tries each (retries: 1).
                for attempt in 1...2 {
                    let deadline = clock.now.offset + timeout
                    try await waitUntil("try \(attempt) of both lookups waiting", timeout: .seconds(30)) {
                        clock.sleepingUntil == [deadline, deadline]
                    }
                    clock.advance(by: timeout)
                }
                try await group.waitForAll()
            }
        } cleanup: {
            try? await channel.close()
        }
    }
}
