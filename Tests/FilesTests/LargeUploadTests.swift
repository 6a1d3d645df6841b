import Files
import Foundation
import Storage
import TestSupport
import Testing

/// Large uploads on SeaweedFS: streamed through S3 multipart (parts of 8 MiB), and refused (fail
/// closed) when clamd cannot scan them whole (its `StreamMaxLength` is 30M in the test config).
@Suite(
    .enabled(if: FilesTestEnv.s3SuitesRun, "needs redis, clamd and the SeaweedFS of scripts/test-servers/s3.sh"),
    .serialized)
struct LargeUploadTests {
    static let megabyte = 1 << 20

    static func withS3Harness<T: Sendable>(_ body: (FilesHarness) async throws -> T) async throws -> T {
        try await FilesHarness.with(
            makeStorage: { http in try StorageURL(parsing: TestS3.storageURL()).makeStorage(http: http, logger: FilesTestEnv.logger) },
            configure: { $0.maximumBytes = 64 * Self.megabyte }, body)
    }

    @Test("a 30 MB (30,000,000 bytes) PDF: read from S3, scanned whole by clamd, stored through multipart")
    func largestScannableDocument() async throws {
        try await Self.withS3Harness { harness in
            // Just under clamd's StreamMaxLength of 30M (31,457,280 bytes).
            let pdf = FileSamples.pdf(pages: 2, padding: 30_000_000 - 1000)
            #expect(pdf.count > 29_999_000 && pdf.count < TestClamd.streamMaxLength)
            let source = try await harness.upload(pdf, ext: "pdf")
            let id = FilesHarness.id("big")
            let outcomes = try await harness.run([(id, #"{"type":"process_document","source":\#(quoted(source)),"kind":"certificate"}"#)], timeout: .seconds(120))
            #expect(outcomes[id]?["status"] == "succeeded", "\(String(describing: outcomes[id]))")
            let result = try FilesHarness.json(outcomes[id])
            #expect(result["bytes"] as? Int == pdf.count)
            #expect(result["pages"] as? Int == 2)
            let key = try StorageKey(validating: try #require(result["key"] as? String))
            let info = try #require(try await harness.service.storage.head(key))
            #expect(info.bytes == Int64(pdf.count))
            // An S3 multipart object's ETag is "<md5 of the part md5s>-<parts>".
            #expect(info.etag?.contains("-4") == true, "multipart (4 parts of 8 MiB): \(info.etag ?? "-")")
            try await harness.service.storage.delete(key)
            try await harness.service.storage.delete(try StorageKey(validating: source))
        }
    }

    @Test("30 MiB + 64 KiB, over clamd's StreamMaxLength: stored through multipart by the service's storage, refused by the job (fail closed)")
    func thirtyMegabytes() async throws {
        try await Self.withS3Harness { harness in
            let size = 30 * Self.megabyte + 64 * 1024
            #expect(size > TestClamd.streamMaxLength)
            let pdf = FileSamples.pdf(pages: 1, padding: size)
            // The upload itself goes through S3 multipart (4 parts), streamed from disk.
            let source = try await harness.upload(pdf, ext: "pdf")
            let uploaded = try #require(try await harness.service.storage.head(try StorageKey(validating: source)))
            #expect(uploaded.bytes == Int64(pdf.count))
            #expect(uploaded.etag?.contains("-4") == true, "multipart: \(uploaded.etag ?? "-")")
            // The job cannot have it scanned whole: refused for good, nothing stored (fail closed).
            let id = FilesHarness.id("huge")
            let outcomes = try await harness.run([(id, #"{"type":"process_document","source":\#(quoted(source)),"kind":"certificate"}"#)], timeout: .seconds(120))
            #expect(outcomes[id]?["status"] == "dead", "\(String(describing: outcomes[id]))")
            #expect(outcomes[id]?["attempts"] == "1")
            #expect(outcomes[id]?["error"]?.contains("too large to scan") == true, "\(outcomes[id]?["error"] ?? "-")")
            let sha = ProcessDocumentTests.sha256(pdf)
            #expect(try await harness.service.storage.head(try StorageKey(validating: "documents/\(sha).pdf")) == nil)
            try await harness.service.storage.delete(try StorageKey(validating: source))
        }
    }

    @Test("over the worker's maximum: refused while reading, before any scan")
    func overTheMaximum() async throws {
        try await FilesHarness.with(
            makeStorage: { http in try StorageURL(parsing: TestS3.storageURL()).makeStorage(http: http, logger: FilesTestEnv.logger) },
            configure: { $0.maximumBytes = 1 * Self.megabyte }
        ) { harness in
            let source = try await harness.upload(FileSamples.pdf(pages: 1, padding: 2 * Self.megabyte), ext: "pdf")
            let id = FilesHarness.id("cap")
            let outcomes = try await harness.run([(id, #"{"type":"process_document","source":\#(quoted(source)),"kind":"certificate","max_bytes":5000000}"#)])
            #expect(outcomes[id]?["status"] == "dead")
            #expect(outcomes[id]?["error"] == "the file is larger than max_bytes", "\(outcomes[id]?["error"] ?? "-")")
            try await harness.service.storage.delete(try StorageKey(validating: source))
        }
    }
}
