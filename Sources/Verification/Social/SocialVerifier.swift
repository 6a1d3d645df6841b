import Foundation
import JobEngine
import Logging

/// The `verify_social` job: looks an account up (cache, batched GitHub lookups, the provider's
/// API) and checks it against what the job expects.
///
/// Provider faults are dependency failures of the provider's breaker (`github`, `linkedin`,
/// `twitter`); rate limits are retried at the time the provider gives; a missing account or a
/// refused user token is a result with `verified: false`, not an error. The access token goes
/// only into the provider's `Authorization` header: never into a log, an error, a cache key or
/// the result.
public struct SocialVerifier: Sendable {
    /// The queue `verify_social` arrives on.
    public static let queue = "verification_queue"

    public let github: GitHubAPI
    public let linkedin: LinkedInAPI
    public let twitter: TwitterAPI
    /// The lookup cache (`nil`: off).
    public var cache: SocialLookupCache?
    /// Batched GitHub handle lookups (`nil`: one REST call per lookup).
    public var githubBatch: (@Sendable (SocialHandle) async throws -> SocialLookup)?
    /// Pauses handle lookups of a provider that rate-limited the app's credentials.
    public var rateLimitGate = ProviderRateLimitGate()
    /// Minimum account age in days (0: none) unless the job says otherwise.
    public var minimumAgeDays = 0
    /// The wall clock, for account ages.
    public var now: @Sendable () -> Date = { Date() }
    public var timeout: Duration = .seconds(30)
    /// Retries: rate limits may need several waits.
    public var retryPolicy = RetryPolicy(maximumRetries: 5, baseDelay: .seconds(2), maximumDelay: .seconds(300))

    /// Creates the verifier.
    public init(github: GitHubAPI, linkedin: LinkedInAPI, twitter: TwitterAPI) {
        self.github = github
        self.linkedin = linkedin
        self.twitter = twitter
    }

    /// The job's definition: arguments validated before any call.
    public var definition: JobDefinition<VerifySocialArguments> {
        JobDefinition<VerifySocialArguments>(
            name: "verify_social", timeout: self.timeout, retryPolicy: self.retryPolicy,
            dependencies: SocialProvider.allCases.map(\.dependency)
        ) { arguments throws(JobError) in
            _ = try VerifySocialRequest(arguments)
        }
    }

    /// Registers `verify_social` on `queues`.
    public func register(in registry: inout JobRegistry, queues: Set<String> = [SocialVerifier.queue]) {
        let verifier = self
        registry.register(self.definition, queues: queues) { arguments, context in
            try await verifier.verify(try VerifySocialRequest(arguments), logger: context.logger)
        }
    }

    /// Looks the account up and checks it.
    public func verify(_ request: VerifySocialRequest, logger: Logger) async throws -> VerifySocialResult {
        let (lookup, cached) = try await self.lookup(request, logger: logger)
        let result = SocialChecks.evaluate(
            provider: request.provider, lookup: lookup, expect: request.expect, minimumAgeDays: self.minimumAgeDays,
            cached: cached, now: self.now())
        logger.info(
            "social account checked",
            metadata: [
                "social.provider": "\(request.provider.rawValue)", "social.verified": "\(result.verified)",
                "social.exists": "\(result.checks.exists)", "social.cached": "\(cached)",
            ])
        return result
    }

    /// The provider's answer, and whether it came from the cache.
    func lookup(_ request: VerifySocialRequest, logger: Logger) async throws -> (SocialLookup, cached: Bool) {
        do {
            switch request.target {
            case .accessToken(let token):
                switch request.provider {
                case .github: return (try await self.github.authenticatedUser(token: token), false)
                case .linkedin: return (try await self.linkedin.userInfo(token: token), false)
                case .twitter: return (try await self.twitter.authenticatedUser(token: token), false)
                }
            case .handle(let handle):
                if request.provider == .twitter, !self.twitter.supportsHandleLookup {
                    throw JobError.permanent(
                        "not configured: set TWITTER_BEARER_TOKEN to look X/Twitter accounts up by handle")
                }
                if let cached = await self.cache?.get(handle, logger: logger) { return (cached, true) }
                if let wait = self.rateLimitGate.remainingPause(request.provider, now: self.now()) {
                    throw SocialAPIError.rateLimited(request.provider, retryAfter: wait)
                }
                let lookup: SocialLookup
                switch request.provider {
                case .github:
                    if let githubBatch {
                        lookup = try await githubBatch(handle)
                    } else {
                        lookup = try await self.github.user(handle)
                    }
                case .twitter:
                    lookup = try await self.twitter.user(handle)
                case .linkedin:
                    throw JobError.permanent("invalid arguments: \(SocialHandleError.noHandleLookup.message)")
                }
                await self.cache?.set(lookup, for: handle, logger: logger)
                return (lookup, false)
            }
        } catch let error as SocialAPIError {
            if error.kind == .rateLimited, case .handle = request.target, let wait = error.retryAfter {
                self.rateLimitGate.pause(request.provider, for: wait, now: self.now())
            }
            throw Self.jobError(error)
        }
    }

    /// How the engine sees a provider failure.
    public static func jobError(_ error: SocialAPIError) -> JobError {
        switch error.kind {
        case .rateLimited:
            // Not a breaker failure: the provider is up, it asks us to wait until a given time.
            return .transient(error.message, retryAfter: error.retryAfter)
        case .unavailable, .badResponse, .credentialsRejected:
            return .dependencyFailure(error.provider.dependency, error.message)
        }
    }
}
