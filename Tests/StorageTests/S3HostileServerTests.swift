import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import OutboundHTTP
import TestSupport
import Testing

@testable import Storage

/// Answers a real S3 service does not give on purpose (a broken proxy, a failing node), from a
/// Hummingbird fake: the backend must classify them and never crash or hang.
@Suite("S3Storage against a misbehaving server")
struct S3HostileServerTests {
    /// A configuration pointing at the fake on `port`, with small multipart sizes and deadlines.
    /// Generous deadlines (the heavy suites run at once on 2 cores), except where a test waits for one.
    static func configuration(port: Int, timeout: Duration = .seconds(20)) throws -> S3Configuration {
        var configuration = S3Configuration(
            endpoint: try S3Endpoint(parsing: "http://127.0.0.1:\(port)"), bucket: "bkt", region: "us-east-1",
            pathStyle: true, credentials: SigV4Credentials(accessKeyId: "K", secretAccessKey: "S"))
        configuration.multipartThreshold = 5 << 20
        configuration.partSize = 5 << 20
        configuration.requestTimeout = timeout
        configuration.transferTimeout = timeout
        return configuration
    }

    /// Records `METHOD query` of every request, drains bodies, and answers with `answer`.
    static func router(
        log: NIOLockedValueBox<[String]>, answer: @escaping @Sendable (String, String) async throws -> Response
    ) -> Router<BasicRequestContext> {
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let query = request.uri.query ?? ""
            let method = request.method.rawValue
            log.withLockedValue { $0.append("\(method) \(query)") }
            for try await _ in request.body {}
            return try await answer(method, query)
        }
        for method in [HTTPRequest.Method.get, .put, .post, .delete, .head] {
            router.on("**", method: method, use: handler)
        }
        return router
    }

    static func text(_ status: HTTPResponse.Status, _ body: String, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func withFile<T>(size: Int, _ body: (String) async throws -> T) async throws -> T {
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let path = scratch + "/f"
        _ = try await StorageFixtures.makeFile(at: path, size: size)
        return try await body(path)
    }

    @Test("CreateMultipartUpload without an UploadId: unavailable, no part sent")
    func noUploadId() async throws {
        let log = NIOLockedValueBox<[String]>([])
        let router = Self.router(log: log) { _, _ in
            Self.text(.ok, "<InitiateMultipartUploadResult><Bucket>bkt</Bucket>")
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { http in
                let storage = S3Storage(
                    configuration: try Self.configuration(port: port), http: http, logger: StorageFixtures.logger)
                try await Self.withFile(size: 6 << 20) { path in
                    do {
                        _ = try await storage.put(try StorageKey(validating: "k"), fileAt: path, contentType: "a/b")
                        Issue.record("accepted")
                    } catch let error as StorageError {
                        #expect(error == .unavailable && error.message.contains("UploadId"), "\(error)")
                    }
                }
            }
        }
        #expect(log.withLockedValue { $0 } == ["POST uploads="])
    }

    @Test("CompleteMultipartUpload answering 200 with an <Error>: refused, and the upload is aborted")
    func errorInCompletion() async throws {
        let log = NIOLockedValueBox<[String]>([])
        let router = Self.router(log: log) { method, query in
            switch (method, query) {
            case ("POST", "uploads="): return Self.text(.ok, "<R><UploadId>u&amp;1</UploadId></R>")
            case ("PUT", _): return Self.text(.ok, "", headers: [.eTag: "\"part\""])
            case ("POST", _):
                return Self.text(.ok, "<Error><Code>InvalidPart</Code><Message>bad part</Message></Error>")
            default: return Self.text(.noContent, "")
            }
        }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { http in
                let storage = S3Storage(
                    configuration: try Self.configuration(port: port), http: http, logger: StorageFixtures.logger)
                try await Self.withFile(size: 11 << 20) { path in
                    do {
                        _ = try await storage.put(try StorageKey(validating: "k"), fileAt: path, contentType: "a/b")
                        Issue.record("accepted")
                    } catch let error as StorageError {
                        #expect(error == .refused && error.serverCode == "InvalidPart", "\(error)")
                    }
                }
            }
        }
        #expect(
            log.withLockedValue { $0 } == [
                "POST uploads=", "PUT partNumber=1&uploadId=u%261", "PUT partNumber=2&uploadId=u%261",
                "PUT partNumber=3&uploadId=u%261", "POST uploadId=u%261", "DELETE uploadId=u%261",
            ])
    }

    @Test("a part answered without an ETag, or with 500: the upload is aborted")
    func badPart() async throws {
        for failure in ["no etag", "500"] {
            let log = NIOLockedValueBox<[String]>([])
            let router = Self.router(log: log) { method, query in
                switch (method, query) {
                case ("POST", "uploads="): return Self.text(.ok, "<R><UploadId>u1</UploadId></R>")
                case ("PUT", _):
                    return failure == "500"
                        ? Self.text(.internalServerError, "<Error><Code>InternalError</Code></Error>")
                        : Self.text(.ok, "")
                default: return Self.text(.noContent, "")
                }
            }
            try await withFakeHTTPServer(router) { port in
                try await withOutboundHTTP { http in
                    let storage = S3Storage(
                        configuration: try Self.configuration(port: port), http: http, logger: StorageFixtures.logger)
                    try await Self.withFile(size: 6 << 20) { path in
                        do {
                            _ = try await storage.put(try StorageKey(validating: "k"), fileAt: path, contentType: "a/b")
                            Issue.record("accepted")
                        } catch let error as StorageError {
                            #expect(error == .unavailable && error.isTransient, "\(failure): \(error)")
                        }
                    }
                }
            }
            #expect(log.withLockedValue { $0 }.last == "DELETE uploadId=u1", "\(failure)")
        }
    }

    @Test("5xx and 429 on HEAD/GET/DELETE are transient; a 403 HEAD is refused")
    func statuses() async throws {
        for (status, expected) in [(503, StorageError.unavailable), (429, .unavailable), (403, .refused)] {
            let router = Self.router(log: NIOLockedValueBox([])) { _, _ in
                Self.text(HTTPResponse.Status(code: status), "<Error><Code>X</Code></Error>")
            }
            try await withFakeHTTPServer(router) { port in
                try await withOutboundHTTP { http in
                    let storage = S3Storage(
                        configuration: try Self.configuration(port: port), http: http, logger: StorageFixtures.logger)
                    let key = try StorageKey(validating: "k")
                    await #expect(throws: expected) { try await storage.head(key) }
                    await #expect(throws: expected) { try await storage.delete(key) }
                    await #expect(throws: expected) {
                        try await storage.get(key, toFileAt: "/tmp/never-\(UUID())", maxBytes: 10)
                    }
                }
            }
        }
    }

    @Test("a server that never finishes its answer: unavailable after the deadline, no file left")
    func slowServer() async throws {
        let router = Router()
        router.get("**") { _, _ -> Response in
            Response(
                status: .ok,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "partial"))
                    try await Task.sleep(for: .seconds(30))
                    try await writer.finish(nil)
                })
        }
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { http in
                let storage = S3Storage(
                    configuration: try Self.configuration(port: port, timeout: .seconds(2)), http: http, logger: StorageFixtures.logger)
                do {
                    _ = try await storage.get(
                        try StorageKey(validating: "k"), toFileAt: scratch + "/o", maxBytes: 1 << 20)
                    Issue.record("a never-ending body was accepted")
                } catch let error as StorageError {
                    #expect(error == .unavailable && error.isTransient, "\(error)")
                }
                #expect(!StorageFixtures.exists(scratch + "/o"))
            }
        }
    }
}
