import Foundation
import NIOCore
import TestSupport
import Testing

@testable import Storage

/// What only the local backend does: its layout, atomic replacement, key/folder conflicts.
@Suite("LocalStorage")
struct LocalStorageTests {
    @Test("writes leave nothing in tmp/ and create the directories they need")
    func layout() async throws {
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let storage = LocalStorage(directory: scratch + "/deep/store/")
        let key = try StorageKey(validating: "a/b/c/d.txt")
        _ = try await storage.put(key, bytes: [1, 2, 3], contentType: "text/plain")
        let source = scratch + "/source"
        _ = try await StorageFixtures.makeFile(at: source, size: 3_000_000)
        _ = try await storage.put(key, fileAt: source, contentType: "text/plain")
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch + "/deep/store/tmp").isEmpty)
        #expect(StorageFixtures.exists(scratch + "/deep/store/objects/a/b/c/d.txt"))
        #expect(try await storage.head(key)?.bytes == 3_000_000)
    }

    @Test("a reader never sees a half-written object while it is replaced")
    func atomicReplacement() async throws {
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let storage = LocalStorage(directory: scratch + "/store")
        let key = try StorageKey(validating: "replaced.bin")
        let first = scratch + "/first"
        let second = scratch + "/second"
        let firstHash = try await StorageFixtures.makeFile(at: first, size: 4_000_000)
        try Data(repeating: 7, count: 3_000_000).write(to: URL(fileURLWithPath: second))
        let secondHash = try await StorageFixtures.sha256(of: second)
        _ = try await storage.put(key, fileAt: first, contentType: "application/octet-stream")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for round in 0..<10 {
                    _ = try await storage.put(
                        key, fileAt: round % 2 == 0 ? second : first, contentType: "application/octet-stream")
                }
            }
            group.addTask {
                for round in 0..<10 {
                    let path = scratch + "/read-\(round)"
                    _ = try await storage.get(key, toFileAt: path, maxBytes: 10_000_000)
                    let hash = try await StorageFixtures.sha256(of: path)
                    #expect(hash == firstHash || hash == secondHash, "read \(round) saw a mix of versions")
                }
            }
            try await group.waitForAll()
        }
    }

    @Test("a key cannot be both an object and a folder; head and delete of a folder key see nothing")
    func keyConflicts() async throws {
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let storage = LocalStorage(directory: scratch + "/store")
        let folder = try StorageKey(validating: "a")
        let inside = try StorageKey(validating: "a/b")
        _ = try await storage.put(inside, bytes: [1], contentType: "text/plain")
        await #expect(throws: StorageError.refused) {
            try await storage.put(folder, bytes: [2], contentType: "text/plain")
        }
        #expect(try await storage.head(folder) == nil)
        try await storage.delete(folder)
        #expect(try await storage.head(inside) != nil)
        let file = try StorageKey(validating: "f")
        _ = try await storage.put(file, bytes: [1], contentType: "text/plain")
        await #expect(throws: StorageError.refused) {
            try await storage.put(try StorageKey(validating: "f/g"), bytes: [2], contentType: "text/plain")
        }
        #expect(try await storage.head(try StorageKey(validating: "f/g")) == nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch + "/store/tmp").isEmpty)
    }

    @Test("a missing or foreign metadata file loses the type, not the object")
    func foreignMetadata() async throws {
        let scratch = try StorageFixtures.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let storage = LocalStorage(directory: scratch + "/store")
        let key = try StorageKey(validating: "m.txt")
        _ = try await storage.put(key, bytes: [1, 2], contentType: "text/plain")
        try Data("garbage\u{0}".utf8).write(to: URL(fileURLWithPath: scratch + "/store/meta/m.txt"))
        let info = try #require(try await storage.head(key))
        #expect(info.bytes == 2 && info.contentType == nil && info.etag == nil)
    }

    @Test("the factory makes the backend the URL names")
    func factory() async throws {
        try await withOutboundHTTP { http in
            let local = try StorageURL(parsing: "file:///tmp/x").makeStorage(http: http, logger: StorageFixtures.logger)
            #expect((local as? LocalStorage)?.directory == "/tmp/x")
            let s3 = try StorageURL(parsing: "s3://K:S@bucket?region=auto&endpoint=https://r2.example")
                .makeStorage(http: http, logger: StorageFixtures.logger)
            #expect((s3 as? S3Storage)?.configuration.region == "auto")
        }
    }
}
