import DNSClient
import Files
import Imaging
import OCR
import Foundation
import JobEngine
import ServiceModule
import SettingsModel

/// The identity-verification service: `verify_social` (GitHub, LinkedIn, X/Twitter accounts),
/// `verify_company_domain` (DNS) and `review_document` (OCR).
public struct VerificationModule: ServiceModule {
    /// The module.
    public init() {}

    public var name: String { "verification" }

    public var queues: [QueueDeclaration] {
        [
            // I/O-bound: jobs wait on provider APIs and DNS.
            QueueDeclaration(
                SocialVerifier.queue, group: "verification_workers", defaultConcurrency: 32,
                summary: "social, domain, document review")
        ]
    }

    public var jobTypes: [JobTypeDeclaration] {
        [
            JobTypeDeclaration(
                "verify_social", queue: SocialVerifier.queue, summary: "GitHub / LinkedIn / X account check"),
            JobTypeDeclaration(
                "verify_company_domain", queue: SocialVerifier.queue, summary: "company domain: syntax, free-mail/disposable, MX, TXT proof"),
            JobTypeDeclaration(
                "review_document", queue: SocialVerifier.queue, summary: "OCR review of a certificate or registration"),
        ]
    }

    public var dependencies: [DependencyDeclaration] {
        [
            DependencyDeclaration(SocialProvider.github.dependency, summary: "the GitHub API"),
            DependencyDeclaration(SocialProvider.linkedin.dependency, summary: "the LinkedIn API"),
            DependencyDeclaration(SocialProvider.twitter.dependency, summary: "the X/Twitter API"),
            DependencyDeclaration("dns", summary: "the DNS resolver of domain checks"),
        ]
    }

    public var settings: [SettingGroup] { VerificationSettings.groups }

    public func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        let problemsBefore = context.values.problems.count
        var urls: [String] = []
        for setting in [
            VerificationSettings.githubAPIURL, VerificationSettings.linkedinAPIURL, VerificationSettings.twitterAPIURL,
        ] {
            let text = context.values.string(setting) ?? ""
            if !(text.hasPrefix("http://") || text.hasPrefix("https://")) || URL(string: text)?.host == nil {
                context.values.report("\(setting.name) must be an http(s) URL")
            }
            urls.append(text)
        }
        let githubToken = context.values.raw(VerificationSettings.githubToken.name)
        let twitterToken = context.values.raw(VerificationSettings.twitterBearerToken.name)
        let ttl = context.values.int(VerificationSettings.cacheTTL) ?? 3600
        let minimumAge = context.values.int(VerificationSettings.minimumAgeDays) ?? 0
        let window = context.values.int(VerificationSettings.batchWindowMilliseconds) ?? 15
        guard context.values.problems.count == problemsBefore else { return build }

        let github = GitHubAPI(baseURL: urls[0], appToken: githubToken, http: context.http)
        var verifier = SocialVerifier(
            github: github, linkedin: LinkedInAPI(baseURL: urls[1], http: context.http),
            twitter: TwitterAPI(baseURL: urls[2], bearerToken: twitterToken, http: context.http))
        verifier.minimumAgeDays = minimumAge
        if ttl > 0 { verifier.cache = SocialLookupCache(redis: context.redis, ttl: .seconds(ttl)) }
        if github.supportsGraphQL, window > 0 {
            let batcher = GitHubLookupBatcher(
                window: .milliseconds(window), clock: ContinuousClock(), fetch: github.fetchBatch)
            verifier.githubBatch = { try await batcher.lookup($0) }
            build.services.append(batcher)
        }
        verifier.register(in: &build.registry)

        // Company domains: DNS through DNS_RESOLVER, or the system's resolver.
        let resolverSetting = context.values.raw(VerificationSettings.dnsResolver.name)
        do {
            let resolver = try DomainVerificationService.makeResolver(setting: resolverSetting)
            DomainVerificationService(resolver: resolver).register(in: &build.registry)
        } catch {
            if resolverSetting != nil {
                context.values.report("DNS_RESOLVER: \(error.shortDescription)")
            } else {
                build.unavailable["verify_company_domain"] = "not configured: set DNS_RESOLVER (no nameserver in /etc/resolv.conf)"
            }
        }

        // Documents: OCR (a lazily loaded kor+eng engine per core) of uploads read through the
        // file settings (storage key or SSRF-safe URL); PDF pages rendered by libvips.
        if let reader = FilesModule.sourceReader(context) {
            do {
                let ocr = try OCREnginePool.lazy()
                let renderPool = CPUWorkPool()
                let loader = DocumentSourceLoader(reader: reader, images: try ImageProcessor(pool: renderPool, logger: context.logger))
                DocumentReviewService(ocr: ocr) { source, maximumBytes in
                    try await loader.load(source, maximumBytes: maximumBytes)
                }.register(in: &build.registry)
                build.services.append(ocr)
                build.services.append(renderPool)
                build.shutdown = {
                    await ocr.shutdown()
                    try? await renderPool.shutdown()
                }
            } catch let error as OCRError {
                build.unavailable["review_document"] = "unavailable: \(error.message)"
            } catch {
                build.unavailable["review_document"] = "unavailable: \(error)"
            }
        } else {
            build.unavailable["review_document"] = "not configured: the file settings (STORAGE_URL) are invalid"
        }
        context.logger.info(
            "verification service ready",
            metadata: [
                "social.cache_ttl_s": "\(ttl)", "social.github_batching": "\(verifier.githubBatch != nil)",
                "social.twitter_handles": "\(twitterToken != nil)",
            ])
        return build
    }
}
