import Crypto

/// AWS Signature Version 4 for the `Authorization` header: pure code, no I/O, no clock (the
/// time is a parameter).
///
/// Steps (AWS "Create a signed AWS API request"): the canonical request (method, URI-encoded path,
/// sorted encoded query, lower-cased sorted headers with trimmed values, signed header list,
/// payload hash), the string to sign (`AWS4-HMAC-SHA256`, time, scope, SHA-256 of the canonical
/// request), the signing key (HMAC-SHA256 chain over `AWS4`+secret, date, region, service,
/// `aws4_request`) and the signature (HMAC of the string to sign).
///
/// The path is given unencoded and encoded once with the S3 rules (``SigV4URIEncoding``); the
/// same encoding must be used for the URL sent. The payload hash is the hex SHA-256 of the body or
/// ``unsignedPayload``; S3 also wants it in `x-amz-content-sha256`, which the caller adds to
/// `headers` so it is signed.
public struct SigV4Signer: Sendable {
    /// The payload hash of a body that is not hashed (streamed uploads over S3).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The hex SHA-256 of an empty body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The key pair.
    public let credentials: SigV4Credentials
    /// `us-east-1`, `auto` (Cloudflare R2)...
    public let region: String
    /// `s3`, or `service` in AWS's test suite.
    public let service: String

    /// Creates a signer.
    public init(credentials: SigV4Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Signs a request.
    ///
    /// - Parameters:
    ///   - method: `GET`, `PUT`...
    ///   - path: the unencoded absolute path (`/bucket/my key.txt`).
    ///   - query: unencoded query items (`("uploadId", id)`, `("uploads", "")`).
    ///   - headers: the headers to sign, `host` included (any case; repeated names are joined with
    ///     `,`). `x-amz-date` is added when missing.
    ///   - payloadHash: hex SHA-256 of the body, or ``unsignedPayload``.
    ///   - timestamp: the signing time.
    public func sign(
        method: String, path: String, query: [(name: String, value: String)], headers: [(name: String, value: String)],
        payloadHash: String, timestamp: SigV4Timestamp
    ) -> SigV4Signature {
        var byName: [String: [String]] = [:]
        for (name, value) in headers {
            byName[name.lowercased(), default: []].append(Self.trimmed(value))
        }
        if byName["x-amz-date"] == nil { byName["x-amz-date"] = [timestamp.amzDate] }
        let names = byName.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let canonicalHeaders = names.map { "\($0):\(byName[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method,
            SigV4URIEncoding.encode(path.isEmpty ? "/" : path, keepSlash: true),
            SigV4URIEncoding.canonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(timestamp.dateStamp)/\(self.region)/\(self.service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", timestamp.amzDate, scope, Self.hex(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let key = self.signingKey(dateStamp: timestamp.dateStamp)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(self.credentials.accessKeyId)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        return SigV4Signature(
            authorization: authorization, amzDate: timestamp.amzDate, signature: signature,
            signedHeaders: signedHeaders, canonicalRequest: canonicalRequest, stringToSign: stringToSign)
    }

    /// The signing key of a day: HMAC chain over `AWS4`+secret, date, region, service, `aws4_request`.
    func signingKey(dateStamp: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(self.credentials.secretAccessKey)".utf8))
        for part in [dateStamp, self.region, self.service, "aws4_request"] {
            key = SymmetricKey(data: HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key))
        }
        return key
    }

    /// The hex SHA-256 of `bytes` (for hashed payloads).
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        Self.hex(SHA256.hash(data: Array(bytes)))
    }

    /// A header value as signed: leading and trailing spaces removed, inner runs of spaces as one.
    static func trimmed(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in value {
            if character == " " || character == "\t" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
