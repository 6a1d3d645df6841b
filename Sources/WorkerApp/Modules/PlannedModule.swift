import JobEngine
import ServiceModule

/// The queues and job types of the contract whose services are not built yet (file processing
/// and identity verification): declared so that their queues are consumed and a job of these
/// types gets a clear permanent "not implemented" error, never a silent success.
struct PlannedModule: ServiceModule {
    var name: String { "planned" }

    var queues: [QueueDeclaration] {
        [
            QueueDeclaration("file_processing_queue", group: "file_workers", defaultConcurrency: 8, summary: "uploads, images (CPU-bound)"),
            QueueDeclaration("verification_queue", group: "verification_workers", defaultConcurrency: 32, summary: "social, domain, document review"),
        ]
    }

    var jobTypes: [JobTypeDeclaration] {
        [
            JobTypeDeclaration("process_document", queue: "file_processing_queue", summary: "scan and store an uploaded document (planned)"),
            JobTypeDeclaration("optimize_image", queue: "file_processing_queue", summary: "image variants (planned)"),
            JobTypeDeclaration("verify_social", queue: "verification_queue", summary: "GitHub / LinkedIn / Twitter account check (planned)"),
            JobTypeDeclaration("verify_company_domain", queue: "verification_queue", summary: "company domain check (planned)"),
            JobTypeDeclaration("review_document", queue: "verification_queue", summary: "OCR review of a document (planned)"),
        ]
    }

    var limitActions: [LimitActionDeclaration] {
        [LimitActionDeclaration("upload", defaultLimit: "10MB/1d", jobTypes: ["process_document", "optimize_image"])]
    }

    func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        for type in self.jobTypes { build.unavailable[type.name] = "not implemented" }
        return build
    }
}
