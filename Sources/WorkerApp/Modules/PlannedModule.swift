import JobEngine
import ServiceModule
import SettingsModel

/// The queues and job types of the contract whose services are not built yet (file processing
/// and identity verification): declared so that their queues are consumed and a job of these
/// types gets a clear permanent "not implemented" error, never a silent success. Their settings
/// of the contract are declared too, so deployments may set them already (they are read once
/// the services exist).
struct PlannedModule: ServiceModule {
    var name: String { "planned" }

    var queues: [QueueDeclaration] {
        [
            QueueDeclaration("verification_queue", group: "verification_workers", defaultConcurrency: 32, summary: "social, domain, document review"),
        ]
    }

    var jobTypes: [JobTypeDeclaration] {
        [
            JobTypeDeclaration("verify_social", queue: "verification_queue", summary: "GitHub / LinkedIn / Twitter account check (planned)"),
            JobTypeDeclaration("verify_company_domain", queue: "verification_queue", summary: "company domain check (planned)"),
            JobTypeDeclaration("review_document", queue: "verification_queue", summary: "OCR review of a document (planned)"),
        ]
    }

    var settings: [SettingGroup] {
        [
            SettingGroup(
                "Verification (planned)", summary: "Read by the identity-verification service once it exists; accepted now.",
                settings: [
                    Setting("DNS_RESOLVER", defaultDescription: "the system's", help: "`host:port` of the DNS server for domain checks."),
                    Setting("GITHUB_API_URL", .url, default: "https://api.github.com", help: "GitHub REST/GraphQL base URL."),
                    Setting("GITHUB_TOKEN", secret: true, help: "GitHub app token."),
                    Setting("LINKEDIN_API_URL", .url, default: "https://api.linkedin.com", help: "LinkedIn API base URL (OIDC userinfo)."),
                    Setting("TWITTER_API_URL", .url, default: "https://api.twitter.com", help: "X/Twitter API v2 base URL."),
                    Setting("TWITTER_BEARER_TOKEN", secret: true, help: "X/Twitter app bearer token."),
                ]),
            SettingGroup(
                "Tracing (planned)", summary: "OpenTelemetry export, once tracing exists; accepted now.",
                settings: [Setting("OTEL_EXPORTER_OTLP_ENDPOINT", .url, help: "OTLP/HTTP endpoint; tracing is off when unset.")]),
        ]
    }

    func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        for type in self.jobTypes { build.unavailable[type.name] = "not implemented" }
        return build
    }
}
