import JobEngine
import ServiceModule
import SettingsModel

/// The queues and job types of the contract whose services are not built yet (file processing):
/// declared so that their queues are consumed and a job of these types gets a clear permanent
/// "not implemented" error, never a silent success. Their settings of the contract are declared too, so deployments may set them already (they are read once
/// the services exist).
struct PlannedModule: ServiceModule {
    var name: String { "planned" }

    var queues: [QueueDeclaration] {
        [
            QueueDeclaration("file_processing_queue", group: "file_workers", defaultConcurrency: 8, cpuBound: true, summary: "uploads, images (CPU-bound)"),
        ]
    }

    var jobTypes: [JobTypeDeclaration] {
        [
            JobTypeDeclaration("process_document", queue: "file_processing_queue", summary: "scan and store an uploaded document (planned)"),
            JobTypeDeclaration("optimize_image", queue: "file_processing_queue", summary: "image variants (planned)"),
        ]
    }

    var limitActions: [LimitActionDeclaration] {
        [LimitActionDeclaration("upload", defaultLimit: "10MB/1d", jobTypes: ["process_document", "optimize_image"])]
    }

    var settings: [SettingGroup] {
        [
            SettingGroup(
                "File processing (planned)", summary: "Read by the file-processing service once it exists; accepted now.",
                settings: [
                    Setting(
                        "STORAGE_URL", .url, defaultDescription: "`file://` under `var/storage`", secret: true,
                        help: "`file:///dir` or `s3://bucket?endpoint=...&region=...` (Cloudflare R2: region `auto`)."),
                    Setting("CLAMD_ADDRESS", help: "`tcp://host:port` or a unix socket path of clamd."),
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
