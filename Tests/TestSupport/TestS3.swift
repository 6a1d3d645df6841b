import Foundation

/// The S3-compatible test server (SeaweedFS) started by scripts/test-servers/s3.sh, found through
/// `S3_TEST_ENDPOINT`, `S3_TEST_BUCKET`, `S3_TEST_ACCESS_KEY_ID`, `S3_TEST_SECRET_ACCESS_KEY`,
/// `S3_TEST_REGION`. Suites run when it is there, and always under `make test` (where its absence
/// fails them): `.enabled(if: TestServers.shouldRun(TestS3.isAvailable))`.
public enum TestS3 {
    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `http://127.0.0.1:PORT`.
    public static var endpoint: String? { Self.environment["S3_TEST_ENDPOINT"] }
    /// The bucket the script created.
    public static var bucket: String { Self.environment["S3_TEST_BUCKET"] ?? "blueprint-test" }
    /// The access key id of the server's only identity.
    public static var accessKeyId: String { Self.environment["S3_TEST_ACCESS_KEY_ID"] ?? "" }
    /// Its secret.
    public static var secretAccessKey: String { Self.environment["S3_TEST_SECRET_ACCESS_KEY"] ?? "" }
    /// The signing region.
    public static var region: String { Self.environment["S3_TEST_REGION"] ?? "us-east-1" }

    /// Whether the variables are set.
    public static var isAvailable: Bool {
        Self.endpoint != nil && !Self.accessKeyId.isEmpty && !Self.secretAccessKey.isEmpty
    }

    /// `s3://KEY:SECRET@BUCKET?endpoint=...&region=...&path_style=true`, the secret percent-encoded.
    public static func storageURL(secret: String? = nil) -> String {
        let allowed = CharacterSet.alphanumerics
        let encoded = (secret ?? Self.secretAccessKey).addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return
            "s3://\(Self.accessKeyId):\(encoded)@\(Self.bucket)?endpoint=\(Self.endpoint ?? "")&region=\(Self.region)&path_style=true"
    }
}
