import ClamAV
import Foundation
import Imaging
import JobEngine
import Logging
import NIOCore
import ServiceModule
import Storage

/// The `file_processing_queue` job types `process_document` and `optimize_image`.
///
/// Every job follows the same path, failing closed at each step:
/// 1. the source (a storage key, or an `https` URL through the SSRF-safe ``SafeFetcher``) is read
///    into a private temporary file, capped at `max_bytes`;
/// 2. its SHA-256 and size are computed; the size is charged to the user's upload limit;
/// 3. the type is sniffed from the bytes (``FileSniffer``; declarations that disagree, unknown
///    types and polyglots are refused);
/// 4. a result cached for the same content (``FileMetadataCache``) answers at once;
/// 5. clamd scans it; infected -> outcome `rejected`, error `infected: <signature>`, and an upload
///    given by storage key is deleted. No scan, no store: a clamd failure is a `clamd`
///    dependency failure (retried, counted by its breaker), never a skipped scan;
/// 6. documents are stored as-is under a content-addressed key (PDF page count read with libvips);
///    images are auto-rotated, stripped of metadata and stored as variants.
public struct FileProcessingService: Sendable {
    public static let queue = "file_processing_queue"
    /// Breaker names of the two services every job needs.
    public static let storageDependency = "storage"
    public static let scannerDependency = "clamd"

    public let storage: any ObjectStorage
    public let fetcher: SafeFetcher
    public let scanner: ClamdClient
    public let images: ImageProcessor
    public let cache: FileMetadataCache
    public let usage: (any UsageMeter)?
    /// Where sources are read to (private to the worker).
    public let workDirectory: String
    /// The largest source read; a job's `max_bytes` can only lower it.
    public var maximumBytes: Int = 20 * 1024 * 1024
    public var fetchTimeout: Duration = .seconds(60)
    public var timeout: Duration = .seconds(300)
    public var retryPolicy = RetryPolicy(maximumRetries: 5, baseDelay: .seconds(2), maximumDelay: .seconds(300))

    public init(
        storage: any ObjectStorage, fetcher: SafeFetcher, scanner: ClamdClient, images: ImageProcessor, cache: FileMetadataCache,
        usage: (any UsageMeter)?, workDirectory: String
    ) {
        self.storage = storage
        self.fetcher = fetcher
        self.scanner = scanner
        self.images = images
        self.cache = cache
        self.usage = usage
        self.workDirectory = workDirectory
    }

    /// Registers both job types.
    public func register(in registry: inout JobRegistry, queues: Set<String> = [FileProcessingService.queue]) {
        let service = self
        let dependencies = [Self.storageDependency, Self.scannerDependency]
        registry.register(
            JobDefinition<ProcessDocumentArguments>(
                name: "process_document", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: dependencies),
            queues: queues
        ) { arguments, context in
            try await service.processDocument(arguments, context: context)
        }
        registry.register(
            JobDefinition<OptimizeImageArguments>(
                name: "optimize_image", timeout: self.timeout, retryPolicy: self.retryPolicy, dependencies: dependencies),
            queues: queues
        ) { arguments, context in
            try await service.optimizeImage(arguments, context: context)
        }
    }

    // MARK: process_document

    /// Scans and stores a document (or any accepted upload) as-is.
    public func processDocument(_ arguments: ProcessDocumentArguments, context: JobContext) async throws -> DocumentResult {
        guard Self.isValidKind(arguments.kind) else {
            throw JobError.permanent("invalid arguments: argument 'kind' must be 1-40 lowercase letters, digits or '_'")
        }
        let source = try FileSource(arguments.source)
        let cap = try self.cap(arguments.max_bytes)
        return try await self.withSourceFile(source, maxBytes: cap, context: context) { path, digest in
            // Sniffed before the cache is asked: the declared type and file name are this job's own,
            // and a cached answer for the same bytes must not let a disagreeing declaration through.
            let sniffed = try await Self.sniff(path, contentType: arguments.content_type, filename: arguments.filename)
            if let cached = await self.cache.get(DocumentResult.self, sha256: digest.sha256, operation: "document") {
                context.logger.info("document answered from the metadata cache")
                return cached
            }
            try await self.scan(path, source: source, context: context)
            var pages: Int?
            if sniffed.format == .pdf {
                do throws(ImagingError) { pages = try await self.images.pdfPageCount(fileAt: path) } catch {
                    throw Self.jobError(error, subject: "pdf")
                }
            }
            let key = try Self.key("documents/\(digest.sha256).\(sniffed.fileExtension)")
            let stored: StoredObject
            do throws(StorageError) { stored = try await self.storage.put(key, fileAt: path, contentType: sniffed.contentType) } catch {
                throw Self.jobError(error)
            }
            let result = DocumentResult(
                key: stored.key.rawValue, sha256: digest.sha256, content_type: sniffed.contentType, bytes: digest.bytes, pages: pages)
            await self.cache.set(result, sha256: digest.sha256, operation: "document")
            context.logger.info("document stored", metadata: ["file.bytes": "\(digest.bytes)", "file.type": "\(sniffed.format.rawValue)"])
            return result
        }
    }

    // MARK: optimize_image

    /// Scans an image and stores its variants for `purpose` (auto-rotated, without metadata).
    public func optimizeImage(_ arguments: OptimizeImageArguments, context: JobContext) async throws -> ImageResult {
        guard let purpose = ImagePurpose(rawValue: arguments.purpose) else {
            throw JobError.permanent("invalid arguments: argument 'purpose' must be one of \(ImagePurpose.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let boxes = purpose.variantSpecs.map(\.box)
        let wanted = arguments.variants ?? boxes
        guard !wanted.isEmpty, wanted.allSatisfy(boxes.contains) else {
            throw JobError.permanent("invalid arguments: argument 'variants' must be sizes among \(boxes.map(String.init).joined(separator: ", "))")
        }
        let formats = try Self.formats(arguments.formats)
        let source = try FileSource(arguments.source)
        let cap = self.maximumBytes
        let operation = "image:\(purpose.rawValue):\(Set(wanted).sorted().map(String.init).joined(separator: ",")):\(formats.map(\.fileExtension).joined(separator: ","))"
        return try await self.withSourceFile(source, maxBytes: cap, context: context) { path, digest in
            if let cached = await self.cache.get(ImageResult.self, sha256: digest.sha256, operation: operation) {
                context.logger.info("image answered from the metadata cache")
                return cached
            }
            let sniffed = try await Self.sniff(path, contentType: nil, filename: nil)
            guard sniffed.kind == .image else { throw JobError.permanent("not an image: the file is \(sniffed.format.rawValue)") }
            try await self.scan(path, source: source, context: context)
            let set: ImageVariantSet
            do throws(ImagingError) { set = try await self.images.makeVariants(fileAt: path, purpose: purpose, formats: formats) } catch {
                throw Self.jobError(error)
            }
            let chosen = set.variants.filter { wanted.contains($0.spec.box) }
            // The variants of one image are stored concurrently (I/O; the CPU work is done).
            let stored = try await withThrowingTaskGroup(of: (Int, ImageVariantResult).self) { group in
                for (index, variant) in chosen.enumerated() {
                    group.addTask {
                        let key = try Self.key(
                            "images/\(digest.sha256)/\(purpose.rawValue)-\(variant.spec.box).\(variant.format.fileExtension)")
                        do throws(StorageError) {
                            let object = try await self.storage.put(
                                key, bytes: ByteBuffer(bytes: variant.bytes), contentType: variant.format.contentType)
                            return (index, ImageVariantResult(
                                key: object.key.rawValue, width: variant.width, height: variant.height,
                                format: variant.format.fileExtension == "jpg" ? "jpeg" : variant.format.fileExtension,
                                bytes: variant.byteCount))
                        } catch {
                            throw Self.jobError(error)
                        }
                    }
                }
                var results: [(Int, ImageVariantResult)] = []
                for try await item in group { results.append(item) }
                return results.sorted { $0.0 < $1.0 }.map(\.1)
            }
            let result = ImageResult(
                sha256: digest.sha256, width: set.header.displayWidth, height: set.header.displayHeight, variants: stored)
            await self.cache.set(result, sha256: digest.sha256, operation: operation)
            context.logger.info("image variants stored", metadata: ["file.bytes": "\(digest.bytes)", "image.variants": "\(stored.count)"])
            return result
        }
    }

    // MARK: Steps

    /// How sources are read (the storage, the fetcher and the work directory of this service).
    public var reader: FileSourceReader {
        var reader = FileSourceReader(storage: self.storage, fetcher: self.fetcher, workDirectory: self.workDirectory)
        reader.fetchTimeout = self.fetchTimeout
        return reader
    }

    /// Reads the source into a private file, charges its size, runs `body`, and removes the file.
    func withSourceFile<Result: Sendable>(
        _ source: FileSource, maxBytes: Int, context: JobContext,
        _ body: @Sendable (String, FileDigest) async throws -> Result
    ) async throws -> Result {
        try await self.reader.withFile(source, maxBytes: maxBytes, name: "\(context.jobID)-\(context.attempt)") { path, digest in
            try await self.charge(digest.bytes, context: context)
            return try await body(path, digest)
        }
    }

    /// Charges `bytes` to the user's upload limit (jobs without `user_id` are not charged here).
    func charge(_ bytes: Int64, context: JobContext) async throws {
        guard let usage = self.usage, let user = context.userID, !user.isEmpty else { return }
        let charge: UsageCharge
        do { charge = try await usage.charge(jobType: context.type, userID: user, amount: bytes, token: context.jobID) } catch {
            throw JobError.transient("upload limit unavailable: \(error)", retryAfter: .seconds(1))
        }
        if case .rejected(let message) = charge { throw JobError.rejected(reason: "rate_limited", message: message) }
    }

    /// Scans with clamd; infected -> rejected (and the upload deleted when it came from storage).
    func scan(_ path: String, source: FileSource, context: JobContext) async throws {
        let result: ScanResult
        do { result = try await self.scanner.scan(fileAt: path) } catch {
            if error.isTransient { throw JobError.dependencyFailure(Self.scannerDependency, error.message) }
            throw JobError.permanent(error.message)
        }
        guard case .infected(let signature) = result else { return }
        context.logger.warning("infected upload refused", metadata: ["file.signature": "\(signature)"])
        if case .storage(let key) = source {
            do { try await self.storage.delete(key) } catch {
                // The verdict stands; a retry would scan again and delete then.
                throw Self.jobError(error)
            }
        }
        // The engine records a rejection as "<reason>: <message>", so the outcome reads
        // `infected: <signature>` (docs/protocol.md).
        throw JobError.rejected(reason: "infected", message: Self.clean(signature))
    }

    static func sniff(_ path: String, contentType: String?, filename: String?) async throws(JobError) -> SniffedType {
        do { return try await FileSniffer.inspect(fileAt: path, declaredContentType: contentType, filename: filename) } catch {
            throw .permanent("refused file: \(error.message)")
        }
    }

    func cap(_ requested: Int?) throws(JobError) -> Int {
        guard let requested else { return self.maximumBytes }
        guard requested > 0 else { throw .permanent("invalid arguments: argument 'max_bytes' must be positive") }
        return min(requested, self.maximumBytes)
    }

    static func formats(_ names: [String]?) throws(JobError) -> [ImageOutputFormat] {
        guard let names else { return [.webp, .jpeg] }
        var formats: [ImageOutputFormat] = []
        for name in names {
            let format: ImageOutputFormat
            switch name {
            case "webp": format = .webp
            case "jpeg", "jpg": format = .jpeg
            default: throw .permanent("invalid arguments: argument 'formats' must list webp and/or jpeg")
            }
            if !formats.contains(format) { formats.append(format) }
        }
        guard !formats.isEmpty else { throw .permanent("invalid arguments: argument 'formats' must list webp and/or jpeg") }
        return formats
    }

    static func isValidKind(_ kind: String) -> Bool {
        (1...40).contains(kind.utf8.count) && kind.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5f }
    }

    static func key(_ text: String) throws(JobError) -> StorageKey {
        do { return try StorageKey(validating: text) } catch { throw .permanent("invalid storage key: \(error.message)") }
    }

    /// A signature name as clamd prints it, limited to printable ASCII.
    static func clean(_ signature: String) -> String {
        String(signature.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f }.prefix(120).map(Character.init))
    }

    // MARK: Error classification

    static func jobError(_ error: StorageError) -> JobError { FileSourceReader.jobError(error) }

    static func jobError(_ error: FetchError) -> JobError { FileSourceReader.jobError(error) }

    /// `subject` names what was being read (`image`, or `pdf` for a document's page count).
    static func jobError(_ error: ImagingError, subject: String = "image") -> JobError {
        if error.isPermanent { return .permanent("\(subject): \(error.message)") }
        return .transient("\(subject) processing failed: \(error.message)")
    }
}
