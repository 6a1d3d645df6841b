import Foundation
import NIOCore
import NIOFileSystem
import OutboundHTTP
import TestSupport
import Testing

@testable import Storage

/// What only the S3 backend does: signatures checked by a real server, failures classified,
/// multipart uploads aborted.
@Suite("S3Storage against SeaweedFS", .enabled(if: TestServers.shouldRun(TestS3.isAvailable)))
struct S3StorageTests {
    @Test("a wrong secret is refused with the server's code, and the secret is not in the error")
    func wrongSecret() async throws {
        let secret = "WRONG" + UUID().uuidString
        let configuration = try StorageFixtures.s3Configuration(secret: secret)
        try await withOutboundHTTP { http in
            let storage = S3Storage(configuration: configuration, http: http, logger: StorageFixtures.logger)
            let key = try StorageFixtures.key("denied.txt")
            do {
                _ = try await storage.put(key, bytes: [1, 2, 3], contentType: "text/plain")
                Issue.record("a wrongly signed PUT was accepted")
            } catch let error as StorageError {
                #expect(error == .refused && !error.isTransient)
                #expect(error.status == 403 && error.serverCode == "SignatureDoesNotMatch", "\(error)")
                #expect(!error.message.contains(secret) && !error.message.contains(TestS3.secretAccessKey))
            }
            await #expect(throws: StorageError.refused) { try await storage.head(key) }
        }
    }

    @Test("an unknown access key is refused")
    func unknownKey() async throws {
        var configuration = try StorageFixtures.s3Configuration()
        configuration.credentials = SigV4Credentials(accessKeyId: "NOSUCHKEY", secretAccessKey: "x")
        try await withOutboundHTTP { http in
            let storage = S3Storage(configuration: configuration, http: http, logger: StorageFixtures.logger)
            do {
                _ = try await storage.put(try StorageFixtures.key("x"), bytes: [1], contentType: "text/plain")
                Issue.record("accepted")
            } catch let error as StorageError {
                #expect(error == .refused && error.status == 403, "\(error)")
            }
        }
    }

    @Test("a missing bucket is refused (configuration), not 'not found'")
    func missingBucket() async throws {
        var configuration = try StorageFixtures.s3Configuration()
        configuration.bucket = "no-such-bucket-\(UUID().uuidString.prefix(6).lowercased())"
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try await withOutboundHTTP { http in
            let storage = S3Storage(configuration: configuration, http: http, logger: StorageFixtures.logger)
            // A GET (not a PUT: SeaweedFS creates a missing bucket on PUT for an admin identity).
            do {
                _ = try await storage.get(try StorageFixtures.key("x"), toFileAt: scratch + "/o", maxBytes: 10)
                Issue.record("accepted")
            } catch let error as StorageError {
                #expect(error == .refused && error.serverCode == "NoSuchBucket", "\(error)")
            }
            #expect(!StorageFixtures.exists(scratch + "/o"))
        }
    }

    @Test("server down: unavailable (transient) for every operation")
    func serverDown() async throws {
        try await withClosedTCPPort { port in
            let configuration = try StorageFixtures.s3Configuration(endpoint: "http://127.0.0.1:\(port)")
            let scratch = try StorageFixtures.scratchDirectory()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let source = scratch + "/f"
            _ = try await StorageFixtures.makeFile(at: source, size: 1000)
            try await withOutboundHTTP { http in
                let storage = S3Storage(configuration: configuration, http: http, logger: StorageFixtures.logger)
                let key = try StorageFixtures.key("x")
                for (name, call) in [
                    (
                        "put bytes",
                        { () async throws(StorageError) in _ = try await storage.put(key, bytes: [1], contentType: "a/b") }
                    ),
                    (
                        "put file",
                        { () async throws(StorageError) in
                            _ = try await storage.put(key, fileAt: source, contentType: "a/b")
                        }
                    ),
                    (
                        "get",
                        { () async throws(StorageError) in
                            _ = try await storage.get(key, toFileAt: scratch + "/o", maxBytes: 10)
                        }
                    ),
                    ("head", { () async throws(StorageError) in _ = try await storage.head(key) }),
                    ("delete", { () async throws(StorageError) in try await storage.delete(key) }),
                ] as [(String, () async throws(StorageError) -> Void)] {
                    do {
                        try await call()
                        Issue.record("\(name) succeeded with no server")
                    } catch let error as StorageError {
                        #expect(error == .unavailable && error.isTransient, "\(name): \(error)")
                    }
                }
            }
        }
    }

    @Test("the server really checks signatures: an unsigned GET is refused")
    func unsignedRefused() async throws {
        try await withOutboundHTTP { http in
            let response = try await http.execute(
                OutboundRequest(url: "\(TestS3.endpoint ?? "")/\(TestS3.bucket)/anything"))
            #expect(response.status == 403, "\(response.status) \(response.text)")
        }
    }

    @Test("a part that fails mid-upload aborts the multipart upload: nothing is left on the server")
    func multipartAbort() async throws {
        let configuration = try StorageFixtures.s3Configuration()
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let source = scratch + "/shrinking.bin"
        _ = try await StorageFixtures.makeFile(at: source, size: 20 << 20)
        let key = try StorageFixtures.key("aborted.bin")
        let seenDuringUpload = LockedBox<[String]?>(nil)
        try await withOutboundHTTP { http in
            let observer = S3Storage(configuration: configuration, http: http, logger: StorageFixtures.logger)
            // Before part 2, the file shrinks under the upload (as when another process truncates
            // it): part 2 can send only part of its declared length and the call fails for real.
            let storage = S3Storage(
                configuration: configuration, http: http, logger: StorageFixtures.logger,
                wallClock: { Int64(time(nil)) },
                willUploadPart: { number in
                    guard number == 2 else { return }
                    let pending = (try? await observer.pendingUploads(of: key)) ?? ["<list failed>"]
                    seenDuringUpload.withLock { $0 = pending }
                    _ = try? await FileSystem.shared.withFileHandle(
                        forWritingAt: FilePath(source), options: .modifyFile(createIfNecessary: false)
                    ) { handle in try await handle.resize(to: .bytes(10 << 20)) }
                })
            do {
                _ = try await storage.put(key, fileAt: source, contentType: "application/octet-stream")
                Issue.record("the upload of a shrinking file succeeded")
            } catch let error as StorageError {
                #expect(error != .refused, "\(error)")
            }
            #expect(
                seenDuringUpload.current?.count == 1,
                "one upload was pending during the parts: \(String(describing: seenDuringUpload.current))")
            #expect(try await observer.pendingUploads(of: key).isEmpty, "the upload was aborted")
            #expect(try await observer.head(key) == nil)
        }
    }
}
