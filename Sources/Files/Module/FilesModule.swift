import ClamAV
import Foundation
import Imaging
import JobEngine
import Logging
import OutboundHTTP
import ServiceModule
import SettingsModel
import Storage

/// The file-processing service: `process_document` and `optimize_image` on
/// `file_processing_queue` (storage, SSRF-safe fetch, type sniffing, clamd, libvips).
public struct FilesModule: ServiceModule {
    /// The module.
    public init() {}

    public var name: String { "files" }

    public var queues: [QueueDeclaration] {
        [
            // CPU-bound (image work): the libvips pool is bounded to the cores; 8 jobs in flight keep
            // the pool busy while others wait on storage, fetches and clamd.
            QueueDeclaration(
                FileProcessingService.queue, group: "file_workers", defaultConcurrency: 8, cpuBound: true,
                summary: "uploads: scan, store, image variants (CPU-bound)"),
        ]
    }

    public var jobTypes: [JobTypeDeclaration] {
        [
            JobTypeDeclaration("process_document", queue: FileProcessingService.queue, summary: "sniff, scan and store an uploaded document"),
            JobTypeDeclaration("optimize_image", queue: FileProcessingService.queue, summary: "scan an image and store its web variants"),
        ]
    }

    public var dependencies: [DependencyDeclaration] {
        [
            DependencyDeclaration(FileProcessingService.storageDependency, summary: "object storage (local or S3)"),
            DependencyDeclaration(FileProcessingService.scannerDependency, summary: "the clamd virus scanner"),
        ]
    }

    public var limitActions: [LimitActionDeclaration] {
        [LimitActionDeclaration("upload", defaultLimit: "10MB/1d", jobTypes: ["process_document", "optimize_image"])]
    }

    public var settings: [SettingGroup] { FilesSettings.groups }

    public func build(_ context: inout ModuleContext) throws -> ModuleBuild {
        var build = ModuleBuild()
        let logger = context.logger
        let problemsBefore = context.values.problems.count

        let storageURL: StorageURL?
        do {
            storageURL = try Self.storageURL(context)
        } catch {
            context.values.report("STORAGE_URL: \(error.message)")
            storageURL = nil
        }
        var clamd: ClamdAddress?
        if let text = context.values.raw(FilesSettings.clamdAddress.name) {
            do { clamd = try ClamdAddress.parse(text) } catch { context.values.report("CLAMD_ADDRESS: \(error.message)") }
        }
        let maxBytes = context.values.int(FilesSettings.maxBytes) ?? 20 * 1024 * 1024
        let fetchTimeout = context.values.int(FilesSettings.fetchTimeout) ?? 60
        let allowPrivate = context.values.bool(FilesSettings.allowPrivateAddresses)
        let maxPixels = context.values.int(FilesSettings.maxPixels) ?? 100_000_000
        let cacheTTL = context.values.int(FilesSettings.cacheTTL) ?? 86_400
        guard context.values.problems.count == problemsBefore, let storageURL else { return build }
        guard let clamd else {
            for type in self.jobTypes {
                build.unavailable[type.name] = "not configured: set CLAMD_ADDRESS (files are never stored unscanned)"
            }
            return build
        }
        if allowPrivate {
            logger.warning("FILES_ALLOW_PRIVATE_ADDRESSES is on: URL sources may reach internal addresses (tests only)")
        }

        let workDirectory: String
        do { workDirectory = try Self.workDirectory(context) } catch {
            context.values.report("cannot create \(context.dataDirectory)/tmp/files: \(error.localizedDescription)")
            return build
        }
        let pool = CPUWorkPool()
        var imaging = ImagingConfiguration()
        imaging.maxPixels = maxPixels
        imaging.maxBytes = max(imaging.maxBytes, maxBytes)
        do {
            let images = try ImageProcessor(configuration: imaging, pool: pool, logger: logger)
            let fetcher = SafeFetcher(
                configuration: .init(allowPrivateAddresses: allowPrivate, allowPlainHTTP: allowPrivate),
                client: try PinnedFetch(sharing: context.http, logger: logger), logger: logger)
            var service = FileProcessingService(
                storage: storageURL.makeStorage(http: context.http, logger: logger), fetcher: fetcher,
                scanner: ClamdClient(configuration: .init(address: clamd), logger: logger), images: images,
                cache: FileMetadataCache(redis: context.redis, ttl: .seconds(cacheTTL)), usage: context.usage,
                workDirectory: workDirectory)
            service.maximumBytes = maxBytes
            service.fetchTimeout = .seconds(fetchTimeout)
            service.register(in: &build.registry)
            build.services.append(pool)
            build.shutdown = { try? await pool.shutdown() }
            logger.info("file service ready", metadata: ["files.storage": "\(storageURL)", "files.clamd": "\(clamd)"])
        } catch let error as ImagingError {
            context.values.report("libvips: \(error.message)")
        } catch {
            context.values.report("file service: \(error)")
        }
        return build
    }
}
