import Crypto
import Files
import Foundation
import Storage
import TestSupport
import Testing

/// `process_document` end to end: Redis Streams -> engine -> storage -> sniffing -> real clamd ->
/// libvips page count -> storage, on local storage and on SeaweedFS (S3).
@Suite(.enabled(if: FilesTestEnv.suitesRun, "needs redis and the clamd of scripts/test-servers/clamd.sh"))
struct ProcessDocumentTests {
    static func sha256(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    /// A clean 3-page PDF is stored under `documents/<sha256>.pdf` with the right result.
    static func storesCleanPDF(_ harness: FilesHarness) async throws {
        let pdf = FileSamples.pdf(pages: 3, padding: 2000)
        let source = try await harness.upload(pdf, ext: "pdf", contentType: "application/pdf")
        let id = FilesHarness.id("doc")
        let job = #"{"type":"process_document","source":\#(quoted(source)),"kind":"certificate","filename":"scan.pdf","content_type":"application/pdf"}"#
        let outcomes = try await harness.run([(id, job)])
        #expect(outcomes[id]?["status"] == "succeeded", "\(String(describing: outcomes[id]))")
        let result = try FilesHarness.json(outcomes[id])
        let sha = Self.sha256(pdf)
        #expect(Set(result.keys) == ["key", "sha256", "content_type", "bytes", "pages"])
        #expect(result["key"] as? String == "documents/\(sha).pdf")
        #expect(result["sha256"] as? String == sha)
        #expect(result["content_type"] as? String == "application/pdf")
        #expect(result["bytes"] as? Int == pdf.count)
        #expect(result["pages"] as? Int == 3)
        // The stored object is the upload, byte for byte.
        let key = try StorageKey(validating: "documents/\(sha).pdf")
        let info = try #require(try await harness.service.storage.head(key))
        #expect(info.bytes == Int64(pdf.count))
        let back = harness.scratch + "/back.pdf"
        _ = try await harness.service.storage.get(key, toFileAt: back, maxBytes: 1 << 20)
        #expect(Self.sha256([UInt8](try Data(contentsOf: URL(fileURLWithPath: back)))) == sha)
        try await harness.service.storage.delete(key)
    }

    @Test("a clean 3-page PDF from local storage: stored under documents/<sha256>.pdf, pages 3")
    func cleanPDFLocal() async throws {
        try await FilesHarness.with { harness in try await Self.storesCleanPDF(harness) }
    }

    @Test(
        "a clean 3-page PDF from S3 (SeaweedFS): stored under documents/<sha256>.pdf, pages 3",
        .enabled(if: FilesTestEnv.s3SuitesRun, "needs the SeaweedFS of scripts/test-servers/s3.sh"))
    func cleanPDFS3() async throws {
        try await FilesHarness.with(makeStorage: { http in
            try StorageURL(parsing: TestS3.storageURL()).makeStorage(http: http, logger: FilesTestEnv.logger)
        }) { harness in try await Self.storesCleanPDF(harness) }
    }

    @Test("EICAR inside a PDF: rejected as infected: <signature>, the upload deleted, nothing stored")
    func eicarRejectedAndDeleted() async throws {
        try await FilesHarness.with { harness in
            let pdf = FileSamples.eicarPDF()
            let source = try await harness.upload(pdf, ext: "pdf", contentType: "application/pdf")
            let id = FilesHarness.id("eicar")
            let outcomes = try await harness.run([(id, #"{"type":"process_document","source":\#(quoted(source)),"kind":"degree"}"#)])
            let outcome = try #require(outcomes[id])
            #expect(outcome["status"] == "rejected", "\(outcome)")
            let error = outcome["error"] ?? ""
            #expect(error.hasPrefix("infected: Eicar-Test-Signature"), "\(error)")
            #expect(!error.hasPrefix("infected: infected:"), "the reason is not repeated: \(error)")
            #expect(outcome["result"] == nil)
            #expect(try await harness.service.storage.head(try StorageKey(validating: source)) == nil, "the upload is deleted")
            let stored = try StorageKey(validating: "documents/\(Self.sha256(pdf)).pdf")
            #expect(try await harness.service.storage.head(stored) == nil, "nothing stored")
        }
    }

    @Test("a second job for the same content answers from the cache: no second put")
    func secondJobAnsweredFromCache() async throws {
        let local = NSTemporaryDirectory() + "bp-files-cache-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: local) }
        let storage = CountingStorage(LocalStorage(directory: local))
        try await FilesHarness.with(storage: storage) { harness in
            let pdf = FileSamples.pdf(pages: 2, padding: 500)
            let first = try await harness.upload(pdf, ext: "pdf")
            let second = try await harness.upload(pdf, ext: "pdf")
            let uploads = storage.puts.count
            try await harness.withEngine { queue, producer in
                let a = FilesHarness.id("a"), b = FilesHarness.id("b")
                let one = try await harness.enqueueAndWait(
                    [(a, #"{"type":"process_document","source":\#(quoted(first)),"kind":"certificate"}"#)], queue: queue, producer: producer)
                #expect(one[a]?["status"] == "succeeded", "\(String(describing: one[a]))")
                #expect(storage.puts.count == uploads + 1)
                let two = try await harness.enqueueAndWait(
                    [(b, #"{"type":"process_document","source":\#(quoted(second)),"kind":"certificate"}"#)], queue: queue, producer: producer)
                #expect(two[b]?["status"] == "succeeded", "\(String(describing: two[b]))")
                #expect(try FilesHarness.json(two[b]) as NSDictionary == (try FilesHarness.json(one[a])) as NSDictionary)
                #expect(storage.puts.count == uploads + 1, "the second job stored nothing: \(storage.puts)")
                let cached = await harness.service.cache.get(DocumentResult.self, sha256: Self.sha256(pdf), operation: "document")
                #expect(cached?.pages == 2)
            }
        }
    }

    @Test("the cache never answers for a job whose declared type or file name disagrees with the bytes")
    func cacheDoesNotBypassDeclarationChecks() async throws {
        try await FilesHarness.with { harness in
            let pdf = FileSamples.pdf(pages: 1, padding: 300)
            let first = try await harness.upload(pdf, ext: "pdf")
            let second = try await harness.upload(pdf, ext: "pdf")
            let third = try await harness.upload(pdf, ext: "pdf")
            try await harness.withEngine { queue, producer in
                let a = FilesHarness.id("a"), b = FilesHarness.id("b"), c = FilesHarness.id("c")
                let one = try await harness.enqueueAndWait(
                    [(a, #"{"type":"process_document","source":\#(quoted(first)),"kind":"certificate"}"#)], queue: queue, producer: producer)
                #expect(one[a]?["status"] == "succeeded", "\(String(describing: one[a]))")
                let two = try await harness.enqueueAndWait(
                    [
                        (b, #"{"type":"process_document","source":\#(quoted(second)),"kind":"certificate","content_type":"image/png"}"#),
                        (c, #"{"type":"process_document","source":\#(quoted(third)),"kind":"certificate","filename":"a.jpg"}"#),
                    ], queue: queue, producer: producer)
                #expect(two[b]?["status"] == "dead", "answered from the cache: \(String(describing: two[b]))")
                #expect(two[b]?["error"]?.hasPrefix("refused file: declared content type image/png") == true)
                #expect(two[c]?["status"] == "dead", "answered from the cache: \(String(describing: two[c]))")
                #expect(two[c]?["error"]?.hasPrefix("refused file: file name extension .jpg") == true)
            }
        }
    }

    @Test("a JPEG as a document: stored as-is under documents/<sha256>.jpg, no pages")
    func imageAsDocument() async throws {
        try await FilesHarness.with { harness in
            let jpeg = try FileSamples.jpeg(width: 200, height: 100, orientation: 6)
            let source = try await harness.upload(jpeg, ext: "jpg")
            let id = FilesHarness.id("jpgdoc")
            let outcomes = try await harness.run([
                (id, #"{"type":"process_document","source":\#(quoted(source)),"kind":"id_card","filename":"card.JPEG","content_type":"image/jpeg"}"#)
            ])
            #expect(outcomes[id]?["status"] == "succeeded", "\(String(describing: outcomes[id]))")
            let result = try FilesHarness.json(outcomes[id])
            #expect(Set(result.keys) == ["key", "sha256", "content_type", "bytes"])
            #expect(result["key"] as? String == "documents/\(Self.sha256(jpeg)).jpg")
            #expect(result["content_type"] as? String == "image/jpeg")
            let key = try StorageKey(validating: "documents/\(Self.sha256(jpeg)).jpg")
            let back = harness.scratch + "/back.jpg"
            _ = try await harness.service.storage.get(key, toFileAt: back, maxBytes: 1 << 20)
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: back))) == jpeg, "a document is stored byte for byte")
        }
    }
}
