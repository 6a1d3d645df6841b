import Logging
import OutboundHTTP
import RedisClient
import ServiceModule
import SettingsModel
import TestSupport
import Testing

@testable import Verification

/// What the module declares and builds from its settings.
@Suite struct VerificationModuleTests {
    static func build(_ values: [String: String]) async throws -> (ModuleBuild, problems: [String]) {
        try await withOutboundHTTP { http in
            let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            let redis = RedisClient(configuration: TestRedis.configuration, logger: logger)
            var context = ModuleContext(values: SettingValues(values), logger: logger, http: http, redis: redis)
            let build = try VerificationModule().build(&context)
            return (build, context.values.problems)
        }
    }

    @Test func declarations() {
        let module = VerificationModule()
        #expect(module.name == "verification")
        #expect(module.queues.map(\.name) == ["verification_queue"])
        #expect(module.queues.first?.group == "verification_workers" && module.queues.first?.defaultConcurrency == 32)
        #expect(Set(module.jobTypes.map(\.name)) == ["verify_social", "verify_company_domain", "review_document"])
        #expect(module.jobTypes.allSatisfy { $0.queue == "verification_queue" })
        #expect(Set(module.dependencies.map(\.name)) == ["github", "linkedin", "twitter", "dns"])
        let settings = module.settings.flatMap(\.settings)
        for name in [
            "GITHUB_API_URL", "GITHUB_TOKEN", "LINKEDIN_API_URL", "TWITTER_API_URL", "TWITTER_BEARER_TOKEN",
            "SOCIAL_CACHE_TTL", "DNS_RESOLVER",
        ] {
            #expect(settings.contains { $0.name == name }, "\(name)")
        }
        #expect(settings.filter(\.isSecret).map(\.name).sorted() == ["GITHUB_TOKEN", "TWITTER_BEARER_TOKEN"])
    }

    @Test func buildsVerifySocialAndTheDomainCheck() async throws {
        let (plain, problems) = try await Self.build(["DNS_RESOLVER": "127.0.0.1:53"])
        #expect(problems.isEmpty)
        #expect(Set(plain.registry.names).isSuperset(of: ["verify_social", "verify_company_domain"]))
        let domain = try #require(plain.registry.handler(for: "verify_company_domain"))
        #expect(domain.dependencies == ["dns"])
        let (badResolver, resolverProblems) = try await Self.build(["DNS_RESOLVER": "not-an-address"])
        #expect(badResolver.registry.handler(for: "verify_company_domain") == nil)
        #expect(resolverProblems.contains { $0.hasPrefix("DNS_RESOLVER: ") })
        #expect(plain.registry.handler(for: "review_document") != nil, "OCR with the local storage of the data directory")
        func batchers(_ build: ModuleBuild) -> Int { build.services.filter { $0 is GitHubLookupBatcher<ContinuousClock> }.count }
        #expect(batchers(plain) == 0, "no GraphQL batching without GITHUB_TOKEN")
        let handler = try #require(plain.registry.handler(for: "verify_social"))
        #expect(Set(handler.dependencies) == ["github", "linkedin", "twitter"])
        #expect(handler.queues == ["verification_queue"])

        let (batched, _) = try await Self.build(["GITHUB_TOKEN": "ghs_x"])
        #expect(batchers(batched) == 1, "the batcher runs as a service")
        let (noBatch, _) = try await Self.build(["GITHUB_TOKEN": "ghs_x", "SOCIAL_BATCH_WINDOW_MS": "0"])
        #expect(batchers(noBatch) == 0)
        for build in [plain, badResolver, batched, noBatch] { await build.shutdown?() }
    }

    @Test func badSettingsAreReportedWithoutEchoingThem() async throws {
        let (build, problems) = try await Self.build([
            "GITHUB_API_URL": "ftp://secret-host", "SOCIAL_CACHE_TTL": "forever", "TWITTER_API_URL": "not a url",
        ])
        #expect(build.registry.names.isEmpty)
        #expect(problems.contains("GITHUB_API_URL must be an http(s) URL"))
        #expect(problems.contains("TWITTER_API_URL must be an http(s) URL"))
        #expect(problems.contains { $0.hasPrefix("SOCIAL_CACHE_TTL must be an integer") })
        #expect(!problems.joined().contains("secret-host"))
    }
}
