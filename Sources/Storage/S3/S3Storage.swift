import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOFileSystem
import NIOHTTP1
import OutboundHTTP

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// ``ObjectStorage`` on an S3-compatible service (AWS S3, Cloudflare R2, MinIO, SeaweedFS...),
/// every call signed with ``SigV4Signer`` and sent through the shared ``OutboundHTTPClient``.
///
/// Files are streamed from disk with `UNSIGNED-PAYLOAD` (the body is not read twice to hash it);
/// above ``S3Configuration/multipartThreshold`` they go up in parts (`CreateMultipartUpload`,
/// `UploadPart` one after the other, `CompleteMultipartUpload`), and any failure after the upload
/// was created sends `AbortMultipartUpload`. If that abort itself cannot be sent (the service is
/// down, the task was cancelled), the parts stay until the bucket's lifecycle rule for incomplete
/// multipart uploads removes them: configure one.
public struct S3Storage: ObjectStorage {
    /// Where and how to connect.
    public let configuration: S3Configuration
    private let http: OutboundHTTPClient
    private let signer: SigV4Signer
    private let wallClock: @Sendable () -> Int64
    private let logger: Logger
    /// Called before each part is uploaded with its number (tests use it to break a part).
    let willUploadPart: (@Sendable (Int) async -> Void)?

    /// Creates the backend. `wallClock` gives Unix seconds for the signatures (injected for tests).
    public init(
        configuration: S3Configuration, http: OutboundHTTPClient, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64 = { Int64(time(nil)) }
    ) {
        self.init(configuration: configuration, http: http, logger: logger, wallClock: wallClock, willUploadPart: nil)
    }

    init(
        configuration: S3Configuration, http: OutboundHTTPClient, logger: Logger,
        wallClock: @escaping @Sendable () -> Int64, willUploadPart: (@Sendable (Int) async -> Void)?
    ) {
        self.configuration = configuration
        self.http = http
        self.signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        self.wallClock = wallClock
        self.logger = logger
        self.willUploadPart = willUploadPart
    }

    // MARK: ObjectStorage

    public func put(_ key: StorageKey, bytes: ByteBuffer, contentType: String) async throws(StorageError)
        -> StoredObject
    {
        try ContentType.check(contentType)
        let request = self.request(
            .PUT, key: key, headers: [("content-type", contentType)],
            payloadHash: SigV4Signer.sha256Hex(bytes.readableBytesView), body: bytes,
            timeout: self.configuration.transferTimeout)
        let response = try await self.send(request, operation: "PUT")
        return StoredObject(
            key: key, bytes: Int64(bytes.readableBytes), contentType: contentType, etag: Self.etag(response.headers))
    }

    public func put(_ key: StorageKey, fileAt path: String, contentType: String) async throws(StorageError)
        -> StoredObject
    {
        try ContentType.check(contentType)
        let size = try await LocalFiles.size(ofFileAt: path)
        if size > Int64(self.configuration.multipartThreshold) {
            return try await self.putMultipart(key, fileAt: path, size: size, contentType: contentType)
        }
        let request = self.request(
            .PUT, key: key, headers: [("content-type", contentType)], payloadHash: SigV4Signer.unsignedPayload,
            timeout: self.configuration.transferTimeout)
        let response = try await self.send(request, fileAt: path, range: 0..<size, operation: "PUT")
        return StoredObject(key: key, bytes: size, contentType: contentType, etag: Self.etag(response.headers))
    }

    public func get(_ key: StorageKey, toFileAt path: String, maxBytes: Int) async throws(StorageError) -> ObjectInfo {
        let request = self.request(
            .GET, key: key, payloadHash: SigV4Signer.emptyPayloadHash, timeout: self.configuration.transferTimeout)
        let written = NIOLockedValueBox<Int64>(0)
        let http = self.http
        let outcome: Result<OutboundResponse, StorageError>
        do {
            outcome = try await FileSystem.shared.withFileHandle(
                forWritingAt: FilePath(path), options: .newFile(replaceExisting: true)
            ) { handle in
                do {
                    return .success(
                        try await http.execute(request, streamingResponseUpTo: maxBytes) { chunk in
                            let offset = written.withLockedValue { $0 }
                            try await handle.write(contentsOf: chunk.readableBytesView, toAbsoluteOffset: offset)
                            written.withLockedValue { $0 += Int64(chunk.readableBytes) }
                        })
                } catch let error as OutboundHTTPError {
                    return .failure(S3ResponseClassifier.error(error, operation: "GET", limit: maxBytes))
                }
            }
        } catch {
            outcome = .failure(.localFile("cannot write the download: \(LocalFiles.describe(error))"))
        }
        do throws(StorageError) {
            let response = try outcome.get()
            if let error = S3ResponseClassifier.error(status: response.status, body: response.text, operation: "GET") {
                throw error
            }
            let headers = response.headers
            return ObjectInfo(
                key: key, bytes: written.withLockedValue { $0 }, contentType: headers.first(name: "content-type"),
                etag: Self.etag(headers))
        } catch {
            _ = try? await FileSystem.shared.removeItem(
                at: FilePath(path), strategy: .platformDefault, recursively: false)
            throw error
        }
    }

    public func head(_ key: StorageKey) async throws(StorageError) -> ObjectInfo? {
        let request = self.request(.HEAD, key: key, payloadHash: SigV4Signer.emptyPayloadHash)
        let response: OutboundResponse
        do {
            response = try await self.http.execute(request)
        } catch {
            throw S3ResponseClassifier.error(error, operation: "HEAD", limit: nil)
        }
        if response.status == 404 { return nil }
        if let error = S3ResponseClassifier.error(status: response.status, body: response.text, operation: "HEAD") {
            throw error
        }
        let bytes = response.headers.first(name: "content-length").flatMap { Int64($0) } ?? 0
        return ObjectInfo(
            key: key, bytes: bytes, contentType: response.headers.first(name: "content-type"),
            etag: Self.etag(response.headers))
    }

    public func delete(_ key: StorageKey) async throws(StorageError) {
        let request = self.request(.DELETE, key: key, payloadHash: SigV4Signer.emptyPayloadHash)
        do {
            _ = try await self.send(request, operation: "DELETE")
        } catch  where error == .notFound {
            return
        }
    }

    // MARK: Multipart

    /// The part size for a file of `size` bytes: the configured one, larger when the file would
    /// need more than S3's 10,000 parts.
    static func partSize(forFileOf size: Int64, configured: Int) -> Int64 {
        let minimum = max(Int64(configured), Int64(S3Configuration.minimumPartSize))
        let needed = (size + 9_999) / 10_000
        return max(minimum, needed)
    }

    private func putMultipart(
        _ key: StorageKey, fileAt path: String, size: Int64, contentType: String
    ) async throws(StorageError) -> StoredObject {
        let create = self.request(
            .POST, key: key, query: [("uploads", "")], headers: [("content-type", contentType)],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let created = try await self.send(create, operation: "CreateMultipartUpload")
        guard let uploadId = S3XML.firstElement("UploadId", in: created.text), !uploadId.isEmpty else {
            throw .unavailable("CreateMultipartUpload answered without an UploadId")
        }
        do throws(StorageError) {
            let partSize = Self.partSize(forFileOf: size, configured: self.configuration.partSize)
            var parts: [(number: Int, etag: String)] = []
            var offset: Int64 = 0
            var number = 1
            while offset < size {
                let end = min(size, offset + partSize)
                await self.willUploadPart?(number)
                let upload = self.request(
                    .PUT, key: key, query: [("partNumber", String(number)), ("uploadId", uploadId)],
                    payloadHash: SigV4Signer.unsignedPayload, timeout: self.configuration.transferTimeout)
                let response = try await self.send(upload, fileAt: path, range: offset..<end, operation: "UploadPart")
                guard let etag = response.headers.first(name: "etag"), !etag.isEmpty else {
                    throw StorageError.unavailable("UploadPart \(number) answered without an ETag")
                }
                parts.append((number, etag))
                offset = end
                number += 1
            }
            let document = ByteBuffer(string: S3XML.completeMultipartUpload(parts: parts))
            let complete = self.request(
                .POST, key: key, query: [("uploadId", uploadId)], headers: [("content-type", "application/xml")],
                payloadHash: SigV4Signer.sha256Hex(document.readableBytesView), body: document,
                timeout: self.configuration.transferTimeout)
            let completed = try await self.send(complete, operation: "CompleteMultipartUpload")
            if let error = S3ResponseClassifier.errorInSuccessBody(completed.text, operation: "CompleteMultipartUpload")
            {
                throw error
            }
            let etag = S3XML.firstElement("ETag", in: completed.text).map(Self.unquoted)
            return StoredObject(key: key, bytes: size, contentType: contentType, etag: etag)
        } catch {
            await self.abort(key, uploadId: uploadId)
            throw error
        }
    }

    /// `AbortMultipartUpload`, best effort: a failure is logged, the caller's error is what matters.
    private func abort(_ key: StorageKey, uploadId: String) async {
        let request = self.request(
            .DELETE, key: key, query: [("uploadId", uploadId)], payloadHash: SigV4Signer.emptyPayloadHash)
        do {
            _ = try await self.send(request, operation: "AbortMultipartUpload")
        } catch  where error == .notFound {
            return
        } catch {
            self.logger.warning(
                "cannot abort a multipart upload; the bucket's lifecycle rule must remove it",
                metadata: ["storage.error": "\(error.shortDescription)"])
        }
    }

    /// The upload ids of the unfinished multipart uploads of `key` (`ListMultipartUploads`).
    func pendingUploads(of key: StorageKey) async throws(StorageError) -> [String] {
        let request = self.request(
            .GET, key: nil, query: [("uploads", ""), ("prefix", key.rawValue)],
            payloadHash: SigV4Signer.emptyPayloadHash)
        let response = try await self.send(request, operation: "ListMultipartUploads")
        var ids: [String] = []
        var rest = Substring(response.text)
        while let start = rest.range(of: "<Upload>"),
            let end = rest.range(of: "</Upload>", range: start.upperBound..<rest.endIndex)
        {
            let upload = String(rest[start.upperBound..<end.lowerBound])
            if S3XML.firstElement("Key", in: upload) == key.rawValue,
                let id = S3XML.firstElement("UploadId", in: upload)
            {
                ids.append(id)
            }
            rest = rest[end.upperBound...]
        }
        return ids
    }

    // MARK: Requests

    /// A signed request for `key` (the bucket when `nil`).
    func request(
        _ method: HTTPMethod, key: StorageKey?, query: [(name: String, value: String)] = [],
        headers extra: [(name: String, value: String)] = [], payloadHash: String, body: ByteBuffer? = nil,
        timeout: Duration? = nil
    ) -> OutboundRequest {
        let location = self.configuration.location(of: key, query: query)
        let timestamp = SigV4Timestamp(secondsSince1970: self.wallClock())
        var signed: [(name: String, value: String)] = [
            ("host", location.host), ("x-amz-content-sha256", payloadHash), ("x-amz-date", timestamp.amzDate),
        ]
        signed += extra
        let signature = self.signer.sign(
            method: method.rawValue, path: location.path, query: query, headers: signed, payloadHash: payloadHash,
            timestamp: timestamp)
        var headers = HTTPHeaders()
        for (name, value) in signed { headers.add(name: name, value: value) }
        headers.add(name: "authorization", value: signature.authorization)
        return OutboundRequest(
            method: method, url: location.url, headers: headers, body: body,
            timeout: timeout ?? self.configuration.requestTimeout)
    }

    /// Sends `request`; a non-2xx answer becomes its ``StorageError``.
    private func send(_ request: OutboundRequest, operation: String) async throws(StorageError) -> OutboundResponse {
        let response: OutboundResponse
        do {
            response = try await self.http.execute(request)
        } catch {
            throw S3ResponseClassifier.error(error, operation: operation, limit: nil)
        }
        if let error = S3ResponseClassifier.error(status: response.status, body: response.text, operation: operation) {
            throw error
        }
        return response
    }

    /// Sends `request` with the bytes `range` of the file at `path` as its body, streamed.
    private func send(
        _ request: OutboundRequest, fileAt path: String, range: Range<Int64>, operation: String
    ) async throws(StorageError) -> OutboundResponse {
        let http = self.http
        let outcome: Result<OutboundResponse, StorageError>
        do {
            outcome = try await FileSystem.shared.withFileHandle(forReadingAt: FilePath(path)) { handle in
                let chunks = handle.readChunks(in: range, chunkLength: .kibibytes(256))
                do {
                    return .success(try await http.execute(request, streamingBody: chunks, length: Int64(range.count)))
                } catch let error as OutboundHTTPError {
                    return .failure(S3ResponseClassifier.error(error, operation: operation, limit: nil))
                }
            }
        } catch {
            throw .localFile("cannot read the file to upload: \(LocalFiles.describe(error))")
        }
        let response = try outcome.get()
        if let error = S3ResponseClassifier.error(status: response.status, body: response.text, operation: operation) {
            throw error
        }
        return response
    }

    // MARK: Helpers

    /// The `ETag` header without its quotes.
    static func etag(_ headers: HTTPHeaders) -> String? {
        headers.first(name: "etag").map(Self.unquoted)
    }

    static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }
}
