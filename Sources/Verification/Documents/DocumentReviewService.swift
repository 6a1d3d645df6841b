import Foundation
import JobEngine
import Logging
import OCR

/// The `verification_queue` job type `review_document`: OCR of an employment certificate, a
/// degree certificate or a business registration, read into fields and a verdict.
///
/// The document comes from the injected `source` loader (the file-processing layer: storage
/// keys, `https` URLs, PDF rendering); its pages are recognised on the shared
/// ``OCREnginePool`` and judged by a ``DocumentReviewer``. Bad input (an unknown kind, bytes that
/// are no image, a PDF this worker cannot render, an oversized image) is a permanent error;
/// a source that cannot be fetched is transient. Logs carry the kind, verdict, confidence and page
/// count, never the text or the fields.
public struct DocumentReviewService: Sendable {
    public static let queue = "verification_queue"
    /// Loads the document `source` names, refusing more than `maximumBytes`.
    public typealias SourceLoader = @Sendable (_ source: String, _ maximumBytes: Int) async throws -> DocumentSource

    public let ocr: OCREnginePool
    public let source: SourceLoader
    public var reviewer = DocumentReviewer()
    /// Largest document the loader is asked for.
    public var maximumBytes = 20 * 1024 * 1024
    /// Pages of a PDF read at most (the first ones).
    public var maximumPages = 5
    public var timeout: Duration = .seconds(120)
    public var retryPolicy = RetryPolicy(maximumRetries: 3, baseDelay: .seconds(2), maximumDelay: .seconds(60))
    /// Today, for the "issue date in the future" check.
    public var now: @Sendable () -> Date = { Date() }

    public init(ocr: OCREnginePool, source: @escaping SourceLoader) {
        self.ocr = ocr
        self.source = source
    }

    /// Registers `review_document` on `queues`.
    public func register(in registry: inout JobRegistry, queues: Set<String> = [DocumentReviewService.queue]) {
        let service = self
        registry.register(
            JobDefinition<ReviewDocumentArguments>(
                name: "review_document", timeout: self.timeout, retryPolicy: self.retryPolicy,
                validate: { arguments throws(JobError) in
                    _ = try Self.validate(arguments)
                }),
            queues: queues
        ) { arguments, context in
            try await service.review(arguments, logger: context.logger)
        }
    }

    /// The kind and expectations of `arguments`, or a permanent error naming the bad argument.
    static func validate(_ arguments: ReviewDocumentArguments) throws(JobError) -> DocumentKind {
        guard let kind = DocumentKind(rawValue: arguments.kind) else {
            throw .permanent(
                "invalid arguments: argument 'kind' must be one of \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let source = arguments.source.trimmingCharacters(in: .whitespaces)
        guard !source.isEmpty, source.utf8.count <= 2048, !source.contains(where: \.isNewline) else {
            throw .permanent("invalid arguments: argument 'source' must be a storage key or an https URL")
        }
        if let name = arguments.expect?.name, HangulName(name) == nil || name.count > 100 {
            throw .permanent("invalid arguments: argument 'expect.name' must be a non-empty name")
        }
        if let number = arguments.expect?.number {
            let digits = number.filter { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, number.count <= 40 else {
                throw .permanent("invalid arguments: argument 'expect.number' must hold digits")
            }
            if kind == .businessRegistration, BusinessRegistrationNumber(number) == nil {
                throw .permanent(
                    "invalid arguments: argument 'expect.number' is not a valid business registration number")
            }
        }
        return kind
    }

    /// Reviews one document.
    public func review(_ arguments: ReviewDocumentArguments, logger: Logger) async throws(JobError) -> DocumentReview {
        let kind = try Self.validate(arguments)
        let document: DocumentSource
        do {
            document = try await self.source(arguments.source, self.maximumBytes)
        } catch let error as JobError {
            throw error
        } catch {
            throw .transient("the document could not be fetched")
        }

        var pages: [DocumentReviewer.Page] = []
        switch document.content {
        case .image(let image):
            pages.append(try await self.recognize(image, page: nil))
        case .pdf(let pageCount, let render):
            guard let render else {
                throw .permanent("unreadable document: a PDF, and this worker has no PDF renderer (send an image)")
            }
            guard pageCount > 0 else { throw .permanent("unreadable document: a PDF without pages") }
            for index in 0..<min(pageCount, self.maximumPages) {
                let image: OCRImage
                do {
                    image = try await render(index)
                } catch let error as JobError {
                    throw error
                } catch {
                    throw .permanent("unreadable document: PDF page \(index + 1) cannot be rendered")
                }
                pages.append(try await self.recognize(image, page: index + 1))
            }
        }

        let today = Self.date(self.now())
        let review = self.reviewer.review(kind: kind, expect: arguments.expect, pages: pages, today: today)
        logger.info(
            "document reviewed",
            metadata: [
                "document.kind": "\(kind.rawValue)", "document.verdict": "\(review.verdict.rawValue)",
                "document.confidence": "\(review.confidence)", "document.pages": "\(review.pages)",
                "document.reasons": "\(review.reasons.joined(separator: ","))",
            ])
        return review
    }

    private func recognize(_ image: OCRImage, page: Int?) async throws(JobError) -> DocumentReviewer.Page {
        do {
            let result = try await self.ocr.recognize(image: image)
            return DocumentReviewer.Page(text: result.text, confidence: result.meanConfidence)
        } catch {
            let which = page.map { " (page \($0))" } ?? ""
            if error.isPermanent { throw .permanent("unreadable document\(which): \(error.message)") }
            throw .transient("OCR failed\(which): \(error.message)")
        }
    }

    static func date(_ date: Date) -> DocumentDate? {
        let parts = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "Asia/Seoul") ?? .current, from: date)
        return parts.year.flatMap { year in
            parts.month.flatMap { month in parts.day.flatMap { DocumentDate(year: year, month: month, day: $0) } }
        }
    }
}
