import Crypto
import Foundation
import Logging
import NIOCore
import NIOFileSystem
import OutboundHTTP
import TestSupport

@testable import Storage

/// The backends every suite case runs on: local always, S3 (SeaweedFS) when its server is there
/// or `make test` requires it.
enum Backend: String, Sendable, CustomStringConvertible {
    case local
    case s3

    var description: String { self.rawValue }

    static var all: [Backend] { TestServers.shouldRun(TestS3.isAvailable) ? [.local, .s3] : [.local] }
}

enum StorageFixtures {
    static let logger = Logger(label: "storage-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A fresh scratch directory under the system's temporary directory.
    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "storage-tests-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The S3 configuration of the test server (`secret` replaces the real one).
    static func s3Configuration(secret: String? = nil, endpoint: String? = nil) throws -> S3Configuration {
        guard TestS3.isAvailable || endpoint != nil else {
            throw TestFailure("S3_TEST_* not set: start scripts/test-servers/s3.sh")
        }
        var text = TestS3.storageURL(secret: secret)
        if let endpoint {
            text = text.replacingOccurrences(of: "endpoint=\(TestS3.endpoint ?? "")", with: "endpoint=\(endpoint)")
        }
        guard case .s3(let configuration) = try StorageURL(parsing: text) else { throw TestFailure("not an s3 URL") }
        return configuration
    }

    /// Runs `body` with the backend's storage and a scratch directory (removed afterwards).
    static func with<T>(_ backend: Backend, _ body: (any ObjectStorage, String) async throws -> T) async throws -> T {
        let scratch = try Self.scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        switch backend {
        case .local:
            return try await body(LocalStorage(directory: scratch + "/store"), scratch)
        case .s3:
            let configuration = try Self.s3Configuration()
            return try await withOutboundHTTP { http in
                try await body(S3Storage(configuration: configuration, http: http, logger: Self.logger), scratch)
            }
        }
    }

    /// A unique key prefix for one test.
    static func key(_ name: String) throws -> StorageKey {
        try StorageKey(validating: "tests/\(UUID().uuidString.prefix(8).lowercased())/\(name)")
    }

    /// Writes `size` bytes of a fixed pseudo-random pattern to `path` in 1 MiB chunks; returns their SHA-256.
    static func makeFile(at path: String, size: Int) async throws -> String {
        var hasher = SHA256()
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        try await FileSystem.shared.withFileHandle(
            forWritingAt: FilePath(path), options: .newFile(replaceExisting: true)
        ) { handle in
            var offset = 0
            while offset < size {
                let count = min(1 << 20, size - offset)
                var chunk = [UInt8](repeating: 0, count: count)
                for index in 0..<count {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    chunk[index] = UInt8(truncatingIfNeeded: state >> 33)
                }
                hasher.update(data: chunk)
                _ = try await handle.write(contentsOf: chunk, toAbsoluteOffset: Int64(offset))
                offset += count
            }
        }
        return SigV4Signer.hex(hasher.finalize())
    }

    /// The SHA-256 of the file at `path`, read in chunks.
    static func sha256(of path: String) async throws -> String {
        var hasher = SHA256()
        try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
            for try await chunk in handle.readChunks(chunkLength: .mebibytes(1)) {
                chunk.withUnsafeReadableBytes { hasher.update(bufferPointer: $0) }
            }
        }
        return SigV4Signer.hex(hasher.finalize())
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
