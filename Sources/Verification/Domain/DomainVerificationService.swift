import DNSClient
import DomainLists
import JobEngine
import Logging

/// The `verification_queue` job type `verify_company_domain`: is this a company's mail domain,
/// and (with a `token`) does the requester control it?
///
/// Steps: the domain (of `email`, or `domain`) is syntax-checked and put in ASCII form (IDN to
/// punycode); free-mail and disposable domains are rejected on the lists alone; then DNS: MX
/// (a null MX `0 .` rejects; no MX falls back to A/AAAA as the implicit MX; NXDOMAIN rejects) and,
/// with a token, TXT `blueprint-verify=<token>`. Bad arguments are permanent errors; DNS
/// timeouts, SERVFAIL and REFUSED are dependency failures of `dns` (retried, counted by that
/// breaker). The verdict rules are in ``DomainVerdictRules``.
public struct DomainVerificationService: Sendable {
    public static let queue = "verification_queue"
    public static let jobType = "verify_company_domain"
    /// The breaker name of the DNS resolver.
    public static let dependency = "dns"
    /// Longest token accepted.
    public static let maximumTokenLength = 128

    public let resolver: DNSResolver
    public var timeout: Duration = .seconds(60)
    public var retryPolicy = RetryPolicy(maximumRetries: 5, baseDelay: .seconds(5), maximumDelay: .seconds(600))

    /// A service asking `resolver` (built from `DNS_RESOLVER` or the system's, see ``DNSResolver/server(setting:resolvConf:)``).
    public init(resolver: DNSResolver) {
        self.resolver = resolver
    }

    /// Registers `verify_company_domain` on `queues`.
    public func register(in registry: inout JobRegistry, queues: Set<String> = [DomainVerificationService.queue]) {
        let service = self
        registry.register(
            JobDefinition<VerifyCompanyDomainArguments>(
                name: Self.jobType, timeout: self.timeout, retryPolicy: self.retryPolicy,
                dependencies: [Self.dependency],
                validate: { arguments throws(JobError) in _ = try Self.validated(arguments) }
            ),
            queues: queues
        ) { arguments, context in
            let result = try await service.verify(arguments)
            context.logger.debug("company domain checked", metadata: ["domain.verdict": "\(result.verdict.rawValue)"])
            return result
        }
    }

    /// The domain and token of valid arguments; permanent errors name the argument, never its value.
    static func validated(_ arguments: VerifyCompanyDomainArguments) throws(JobError) -> (
        domain: DomainName, token: String?
    ) {
        let domain: DomainName
        switch (arguments.email, arguments.domain) {
        case (.some, .some):
            throw .permanent("invalid arguments: give either 'email' or 'domain', not both")
        case (.none, .none):
            throw .permanent("invalid arguments: missing 'email' or 'domain'")
        case (.some(let email), .none):
            do { domain = try DomainName.ofEmail(email) } catch {
                throw .permanent("invalid arguments: argument 'email' is invalid: \(error.message)")
            }
        case (.none, .some(let name)):
            do { domain = try DomainName(name) } catch {
                throw .permanent("invalid arguments: argument 'domain' is invalid: \(error.message)")
            }
        }
        if let token = arguments.token {
            guard !token.isEmpty, token.utf8.count <= Self.maximumTokenLength,
                token.unicodeScalars.allSatisfy({
                    $0.isASCII
                        && ($0.properties.isAlphabetic || $0.properties.numericType != nil
                            || "-_.".unicodeScalars.contains($0))
                })
            else {
                throw .permanent(
                    "invalid arguments: argument 'token' must be 1 to \(Self.maximumTokenLength) ASCII letters, digits, '-', '_' or '.'"
                )
            }
        }
        if let company = arguments.companyName, company.count > 200 {
            throw .permanent("invalid arguments: argument 'company_name' is longer than 200 characters")
        }
        return (domain, arguments.token)
    }

    /// Checks the domain of `arguments` and returns the verdict.
    public func verify(_ arguments: VerifyCompanyDomainArguments) async throws(JobError) -> DomainVerificationResult {
        let (domain, token) = try Self.validated(arguments)
        let freeMail = DomainLists.isFreeMail(domain.ascii)
        let disposable = DomainLists.isDisposable(domain.ascii)
        if DomainVerdictRules.rejectedByLists(freeMail: freeMail, disposable: disposable) {
            return DomainVerdictRules.evaluate(
                domain: domain, freeMail: freeMail, disposable: disposable, evidence: nil, token: token)
        }
        let evidence = try await self.gatherEvidence(domain: domain, wantsTXT: token != nil)
        return DomainVerdictRules.evaluate(
            domain: domain, freeMail: freeMail, disposable: disposable, evidence: evidence, token: token)
    }

    /// The DNS lookups: MX and (with a token) TXT side by side; A and AAAA only when there is no MX.
    func gatherEvidence(domain: DomainName, wantsTXT: Bool) async throws(JobError) -> DomainEvidence {
        let resolver = self.resolver
        let name = domain.ascii
        do {
            async let mxLookup = resolver.lookup(name, .mx)
            async let txtLookup: DNSLookupResult? = wantsTXT ? resolver.lookup(name, .txt) : nil
            let mx = try await mxLookup
            let txt = try await txtLookup
            var addresses: [DNSLookupResult] = []
            if mx == .noData {
                async let a = resolver.lookup(name, .a)
                async let aaaa = resolver.lookup(name, .aaaa)
                addresses = [try await a, try await aaaa]
            }
            return DomainEvidence(mx: mx, addresses: addresses, txt: txt)
        } catch let error as DNSResolverError {
            throw Self.jobError(error)
        } catch {
            // Only cancellation can land here; the engine treats the run as interrupted.
            throw .dependencyFailure(Self.dependency, "DNS lookup interrupted")
        }
    }

    static func jobError(_ error: DNSResolverError) -> JobError {
        error.isTransient
            ? .dependencyFailure(Self.dependency, error.shortDescription) : .permanent(error.shortDescription)
    }
}
