import Foundation
import NIOCore
import TestSupport
import Testing

@testable import Storage

/// One suite over both backends: the same behaviour from local files and from a real
/// S3-compatible server that checks signatures (SeaweedFS).
@Suite("ObjectStorage on every backend")
struct ObjectStorageTests {
    @Test("put bytes, head, get, delete, delete again", arguments: Backend.all)
    func roundTrip(_ backend: Backend) async throws {
        try await StorageFixtures.with(backend) { storage, scratch in
            let key = try StorageFixtures.key("hello.txt")
            #expect(try await storage.head(key) == nil)
            let stored = try await storage.put(key, bytes: Array("hello, storage".utf8), contentType: "text/plain")
            #expect(stored.bytes == 14 && stored.contentType == "text/plain" && stored.etag?.isEmpty == false)
            let info = try #require(try await storage.head(key))
            #expect(info.bytes == 14 && info.contentType == "text/plain" && info.etag == stored.etag)
            let path = scratch + "/out.txt"
            let got = try await storage.get(key, toFileAt: path, maxBytes: 1000)
            #expect(got.bytes == 14 && got.contentType == "text/plain")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello, storage")
            try await storage.delete(key)
            #expect(try await storage.head(key) == nil)
            try await storage.delete(key)  // idempotent
            await #expect(throws: StorageError.notFound) { try await storage.get(key, toFileAt: path, maxBytes: 1000) }
            #expect(!StorageFixtures.exists(path), "no file is left after a failed get")
        }
    }

    @Test("a file put replaces the object; get refuses beyond maxBytes and leaves no file", arguments: Backend.all)
    func fileAndCap(_ backend: Backend) async throws {
        try await StorageFixtures.with(backend) { storage, scratch in
            let key = try StorageFixtures.key("data.bin")
            _ = try await storage.put(key, bytes: [1, 2, 3], contentType: "application/octet-stream")
            let source = scratch + "/source.bin"
            let hash = try await StorageFixtures.makeFile(at: source, size: 100_000)
            let stored = try await storage.put(key, fileAt: source, contentType: "application/x-test")
            #expect(stored.bytes == 100_000)
            let path = scratch + "/copy.bin"
            _ = try await storage.get(key, toFileAt: path, maxBytes: 100_000)
            #expect(try await StorageFixtures.sha256(of: path) == hash)
            #expect(try await storage.head(key)?.contentType == "application/x-test")
            let capped = scratch + "/capped.bin"
            do {
                _ = try await storage.get(key, toFileAt: capped, maxBytes: 99_999)
                Issue.record("read past maxBytes")
            } catch let error as StorageError {
                #expect(error == .tooLarge && !error.isTransient)
            }
            #expect(!StorageFixtures.exists(capped))
            try await storage.delete(key)
        }
    }

    @Test("keys with spaces, UTF-8, + and other reserved characters round-trip", arguments: Backend.all)
    func keyCharacters(_ backend: Backend) async throws {
        try await StorageFixtures.with(backend) { storage, scratch in
            let prefix = try StorageFixtures.key("k").rawValue
            let names = [
                "with space.txt", "plus+sign.txt", "사진/한글 파일.png", "é&=?#%;,!$'()*[]@:.txt", "~tilde-_.txt", "emoji 😀",
            ]
            for (index, name) in names.enumerated() {
                let key = try StorageKey(validating: "\(prefix)/\(name)")
                let content = Array("content \(index) \(name)".utf8)
                _ = try await storage.put(key, bytes: content, contentType: "text/plain")
                let info = try #require(try await storage.head(key), "\(name)")
                #expect(info.bytes == Int64(content.count), "\(name)")
                let path = scratch + "/\(index).out"
                _ = try await storage.get(key, toFileAt: path, maxBytes: 1 << 20)
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == content, "\(name)")
                try await storage.delete(key)
                #expect(try await storage.head(key) == nil, "\(name)")
            }
        }
    }

    @Test("a 30 MB file goes up streamed (S3: multipart) and comes back with the same SHA-256", arguments: Backend.all)
    func largeFile(_ backend: Backend) async throws {
        try await StorageFixtures.with(backend) { storage, scratch in
            let key = try StorageFixtures.key("large.bin")
            let source = scratch + "/large.bin"
            let size = 30_000_000
            let hash = try await StorageFixtures.makeFile(at: source, size: size)
            let stored = try await storage.put(key, fileAt: source, contentType: "application/octet-stream")
            #expect(stored.bytes == Int64(size))
            if backend == .s3, let etag = stored.etag {
                #expect(etag.hasSuffix("-4"), "a multipart ETag names its 4 parts: \(etag)")
            }
            #expect(try await storage.head(key)?.bytes == Int64(size))
            let copy = scratch + "/copy.bin"
            let got = try await storage.get(key, toFileAt: copy, maxBytes: size)
            #expect(got.bytes == Int64(size))
            #expect(try await StorageFixtures.sha256(of: copy) == hash)
            if let s3 = storage as? S3Storage {
                #expect(try await s3.pendingUploads(of: key).isEmpty)
            }
            try await storage.delete(key)
        }
    }

    @Test("empty objects, from bytes and from an empty file", arguments: Backend.all)
    func emptyObjects(_ backend: Backend) async throws {
        try await StorageFixtures.with(backend) { storage, scratch in
            let key = try StorageFixtures.key("empty")
            _ = try await storage.put(key, bytes: [], contentType: "text/plain")
            #expect(try await storage.head(key)?.bytes == 0)
            let source = scratch + "/empty"
            _ = FileManager.default.createFile(atPath: source, contents: Data())
            let stored = try await storage.put(key, fileAt: source, contentType: "text/plain")
            #expect(stored.bytes == 0)
            let path = scratch + "/empty.out"
            #expect(try await storage.get(key, toFileAt: path, maxBytes: 0).bytes == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty)
            try await storage.delete(key)
        }
    }

    @Test("bad arguments are refused before any I/O", arguments: Backend.all)
    func badArguments(_ backend: Backend) async throws {
        try await StorageFixtures.with(backend) { storage, scratch in
            let key = try StorageFixtures.key("x")
            await #expect(throws: StorageError.invalidArgument) {
                try await storage.put(key, bytes: [1], contentType: "text/plain\r\nX-Injected: 1")
            }
            await #expect(throws: StorageError.localFile) {
                try await storage.put(key, fileAt: scratch + "/does-not-exist", contentType: "text/plain")
            }
            await #expect(throws: StorageError.localFile) {
                try await storage.put(key, fileAt: scratch, contentType: "text/plain")  // a directory
            }
            #expect(try await storage.head(key) == nil)
            _ = try await storage.put(key, bytes: [1, 2], contentType: "text/plain")
            await #expect(throws: StorageError.localFile) {
                try await storage.get(key, toFileAt: scratch + "/no/such/dir/out", maxBytes: 10)
            }
            try await storage.delete(key)
        }
    }
}
