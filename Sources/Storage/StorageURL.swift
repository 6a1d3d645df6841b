/// A parsed `STORAGE_URL`: local files or an S3-compatible service.
///
/// - `file:///abs/dir`, `file:rel/dir` or a plain path (`var/storage`, the embedded default):
///   ``LocalStorage`` under that directory.
/// - `s3://ACCESS_KEY_ID:SECRET@bucket?endpoint=http://127.0.0.1:8333&region=us-east-1&path_style=true`:
///   ``S3Storage``. `region` defaults to `us-east-1` (Cloudflare R2: `auto`); `endpoint` defaults to
///   `https://s3.REGION.amazonaws.com`; `path_style` (`true`/`false`, default `false`) picks
///   `endpoint/bucket/key` over `bucket.endpoint/key`. The key pair may instead come from separate
///   settings (`STORAGE_ACCESS_KEY_ID` / `STORAGE_SECRET_ACCESS_KEY`), which win over the URL's.
///   User info is percent-decoded, so a secret may be written with `%2F` for `/`.
///
/// Errors name the part that is wrong, never the secret (nor the rest of the URL).
public enum StorageURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Local files under `directory`.
    case local(directory: String)
    /// An S3-compatible service.
    case s3(S3Configuration)

    /// The directory used when `STORAGE_URL` is not set.
    public static let defaultLocalDirectory = "var/storage"

    /// Parses `text`; `accessKeyId`/`secretAccessKey`, when given (both), replace the URL's key pair.
    public init(parsing text: String, accessKeyId: String? = nil, secretAccessKey: String? = nil) throws(StorageError) {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw .invalidConfiguration("STORAGE_URL is empty") }
        guard trimmed.utf8.count <= 4096 else { throw .invalidConfiguration("STORAGE_URL is longer than 4096 bytes") }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidConfiguration("STORAGE_URL contains a control character")
        }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("s3://") {
            self = .s3(
                try Self.parseS3(trimmed.dropFirst(5), accessKeyId: accessKeyId, secretAccessKey: secretAccessKey))
        } else if lower.hasPrefix("file:") {
            var path = trimmed.dropFirst(5)
            if path.hasPrefix("//") {
                path = path.dropFirst(2)
                if path.hasPrefix("localhost/") { path = path.dropFirst("localhost".count) }
                guard path.hasPrefix("/") else {
                    throw .invalidConfiguration(
                        "a file:// URL needs an absolute path (file:///dir) or no // (file:dir)")
                }
            }
            guard let decoded = Self.percentDecoded(path), !decoded.isEmpty else {
                throw .invalidConfiguration("the file: URL has no valid directory")
            }
            self = .local(directory: decoded)
        } else if trimmed.contains("://") {
            throw .invalidConfiguration("unknown STORAGE_URL scheme (use file:// or s3://)")
        } else {
            self = .local(directory: trimmed)
        }
    }

    private static func parseS3(
        _ rest: Substring, accessKeyId: String?, secretAccessKey: String?
    ) throws(StorageError) -> S3Configuration {
        // The key pair may hold '/', '+' or '?': the user info ends at the last '@'.
        var userInfo: Substring? = nil
        var remainder = rest
        if let at = rest.lastIndex(of: "@") {
            userInfo = rest[..<at]
            remainder = rest[rest.index(after: at)...]
        }
        let bucketPart: Substring
        var queryPart: Substring = ""
        if let question = remainder.firstIndex(of: "?") {
            bucketPart = remainder[..<question]
            queryPart = remainder[remainder.index(after: question)...]
        } else {
            bucketPart = remainder
        }
        let bucket = bucketPart.hasSuffix("/") ? String(bucketPart.dropLast()) : String(bucketPart)
        try Self.checkBucket(bucket)

        var endpointText: String? = nil
        var region = "us-east-1"
        var pathStyle = false
        for item in queryPart.split(separator: "&", omittingEmptySubsequences: true) {
            let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(pair[0])
            guard let value = pair.count == 2 ? Self.percentDecoded(pair[1]) : "" else {
                throw .invalidConfiguration("the value of '\(name.prefix(40))' is not valid percent-encoding")
            }
            switch name {
            case "endpoint": endpointText = value
            case "region":
                guard !value.isEmpty, value.count <= 64,
                    value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
                else {
                    throw .invalidConfiguration("the region must be letters, digits and '-' (e.g. us-east-1, auto)")
                }
                region = value
            case "path_style":
                switch value.lowercased() {
                case "true", "1", "yes": pathStyle = true
                case "false", "0", "no": pathStyle = false
                default: throw .invalidConfiguration("path_style must be true or false")
                }
            default:
                throw .invalidConfiguration(
                    "unknown s3:// parameter '\(name.prefix(40))' (endpoint, region, path_style)")
            }
        }
        let endpoint = try S3Endpoint(parsing: endpointText ?? "https://s3.\(region).amazonaws.com")

        var keyId: String? = nil
        var secret: String? = nil
        if let userInfo, !userInfo.isEmpty {
            guard let colon = userInfo.firstIndex(of: ":") else {
                throw .invalidConfiguration("the s3:// user info must be ACCESS_KEY_ID:SECRET")
            }
            guard let decodedId = Self.percentDecoded(userInfo[..<colon]),
                let decodedSecret = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            else { throw .invalidConfiguration("the s3:// key pair is not valid percent-encoding") }
            keyId = decodedId
            secret = decodedSecret
        }
        switch (accessKeyId?.trimmingSpaces.nilIfEmpty, secretAccessKey?.trimmingSpaces.nilIfEmpty) {
        case (let id?, let key?):
            keyId = id
            secret = key
        case (nil, nil):
            break
        default:
            throw .invalidConfiguration("STORAGE_ACCESS_KEY_ID and STORAGE_SECRET_ACCESS_KEY must be set together")
        }
        guard let keyId, !keyId.isEmpty, let secret, !secret.isEmpty else {
            throw .invalidConfiguration(
                "s3:// needs an access key id and a secret (in the URL or STORAGE_ACCESS_KEY_ID/STORAGE_SECRET_ACCESS_KEY)"
            )
        }
        guard keyId.utf8.count <= 128,
            keyId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw .invalidConfiguration("the access key id must be at most 128 letters, digits, '-', '_' or '.'")
        }
        guard secret.utf8.count <= 256, secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw .invalidConfiguration("the secret must be at most 256 printable ASCII characters")
        }
        return S3Configuration(
            endpoint: endpoint, bucket: bucket, region: region, pathStyle: pathStyle,
            credentials: SigV4Credentials(accessKeyId: keyId, secretAccessKey: secret))
    }

    /// S3 bucket names: 3-63 of `a-z 0-9 . -`, starting and ending with a letter or digit.
    static func checkBucket(_ bucket: String) throws(StorageError) {
        guard (3...63).contains(bucket.count),
            bucket.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") }),
            let first = bucket.first, let last = bucket.last,
            first.isLetter || first.isNumber, last.isLetter || last.isNumber
        else {
            throw .invalidConfiguration("the bucket name must be 3-63 characters of a-z, 0-9, '.' and '-'")
        }
    }

    /// `%XX`-decoded UTF-8, or `nil` for a malformed escape or invalid UTF-8.
    static func percentDecoded(_ text: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(Self.hexValue),
                    let low = iterator.next().flatMap(Self.hexValue)
                else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .local(let directory): "local files under \(directory)"
        case .s3(let configuration): configuration.description
        }
    }

    public var debugDescription: String { self.description }
}
