import Testing

@testable import Storage

@Suite("STORAGE_URL parsing")
struct StorageURLTests {
    static let secret = "wJalr/XUtn+FEMI?K7MD"

    @Test("file URLs and plain paths")
    func local() throws {
        #expect(try StorageURL(parsing: "file:///srv/storage") == .local(directory: "/srv/storage"))
        #expect(try StorageURL(parsing: "file://localhost/srv/x") == .local(directory: "/srv/x"))
        #expect(try StorageURL(parsing: "file:var/storage") == .local(directory: "var/storage"))
        #expect(try StorageURL(parsing: "var/storage") == .local(directory: "var/storage"))
        #expect(try StorageURL(parsing: "file:///srv/with%20space") == .local(directory: "/srv/with space"))
        #expect(try StorageURL(parsing: StorageURL.defaultLocalDirectory) == .local(directory: "var/storage"))
    }

    @Test("s3 URL with the key pair, endpoint, region and path style")
    func s3Full() throws {
        let url = try StorageURL(
            parsing:
                "s3://AKID123:\(Self.secret)@my-bucket?endpoint=http://127.0.0.1:8333&region=us-east-1&path_style=true")
        guard case .s3(let configuration) = url else { Issue.record("not s3"); return }
        #expect(configuration.bucket == "my-bucket")
        #expect(configuration.endpoint == (try S3Endpoint(parsing: "http://127.0.0.1:8333")))
        #expect(configuration.region == "us-east-1")
        #expect(configuration.pathStyle)
        #expect(configuration.credentials == SigV4Credentials(accessKeyId: "AKID123", secretAccessKey: Self.secret))
        #expect(!"\(url)".contains(Self.secret) && !String(reflecting: url).contains(Self.secret))
    }

    @Test("R2: region auto, virtual-host style by default, percent-encoded secret, keys from settings")
    func r2() throws {
        let url = try StorageURL(
            parsing: "s3://files?endpoint=https://ACCOUNT.r2.cloudflarestorage.com&region=auto",
            accessKeyId: "KEYID", secretAccessKey: "abc%2Fdef")
        guard case .s3(let configuration) = url else { Issue.record("not s3"); return }
        #expect(configuration.region == "auto" && !configuration.pathStyle)
        #expect(configuration.credentials.secretAccessKey == "abc%2Fdef")  // settings are taken literally
        let encoded = try StorageURL(parsing: "s3://K:abc%2Fdef@files")
        guard case .s3(let fromURL) = encoded else { Issue.record("not s3"); return }
        #expect(fromURL.credentials.secretAccessKey == "abc/def")
        #expect(fromURL.endpoint.description == "https://s3.us-east-1.amazonaws.com")
        // Separate settings win over the URL's pair.
        let both = try StorageURL(parsing: "s3://K:S@files", accessKeyId: "K2", secretAccessKey: "S2")
        guard case .s3(let overridden) = both else { Issue.record("not s3"); return }
        #expect(overridden.credentials == SigV4Credentials(accessKeyId: "K2", secretAccessKey: "S2"))
    }

    @Test("object locations: path style and virtual-host style, key encoded once")
    func locations() throws {
        let credentials = SigV4Credentials(accessKeyId: "K", secretAccessKey: "S")
        let key = try StorageKey(validating: "dir/a b+c/사진.jpg")
        let path = S3Configuration(
            endpoint: try S3Endpoint(parsing: "http://127.0.0.1:8333"), bucket: "bkt", region: "us-east-1",
            pathStyle: true,
            credentials: credentials)
        let located = path.location(of: key, query: [("uploadId", "a/b"), ("partNumber", "2")])
        #expect(
            located.url == "http://127.0.0.1:8333/bkt/dir/a%20b%2Bc/%EC%82%AC%EC%A7%84.jpg?partNumber=2&uploadId=a%2Fb")
        #expect(located.host == "127.0.0.1:8333" && located.path == "/bkt/dir/a b+c/사진.jpg")
        let virtual = S3Configuration(
            endpoint: try S3Endpoint(parsing: "https://s3.example.com:443/"), bucket: "bkt", region: "auto",
            pathStyle: false,
            credentials: credentials)
        let hosted = virtual.location(of: key)
        #expect(hosted.url == "https://bkt.s3.example.com/dir/a%20b%2Bc/%EC%82%AC%EC%A7%84.jpg")
        #expect(hosted.host == "bkt.s3.example.com")
        #expect(virtual.location(of: nil, query: [("uploads", "")]).url == "https://bkt.s3.example.com/?uploads=")
    }

    @Test(
        "bad URLs: a clear error that never echoes the secret",
        arguments: [
            "", "   ", "ftp://x/y", "s3://K:\(secret)@", "s3://K:\(secret)@Bad_Bucket", "s3://K:\(secret)@ab",
            "s3://K:\(secret)@bucket?endpoint=ftp://x", "s3://K:\(secret)@bucket?endpoint=http://h/path",
            "s3://K:\(secret)@bucket?endpoint=http://h:99999", "s3://K:\(secret)@bucket?endpoint=http://h:abc",
            "s3://K:\(secret)@bucket?region=us east", "s3://K:\(secret)@bucket?path_style=maybe",
            "s3://K:\(secret)@bucket?colour=red", "s3://bucket", "s3://K@bucket", "s3://:\(secret)@bucket",
            "s3://K:\(secret)%ZZ@bucket", "s3://K:\(secret)@bucket?endpoint=%ZZ", "s3://K:\(secret)\n@bucket",
            "file://relative/dir", "file:", "s3://K:\(secret)@bucket?endpoint=http://user:pw@h",
            "s3://K:\(secret)@bucket?endpoint=http://[::1",
        ])
    func invalid(_ text: String) {
        do {
            let parsed = try StorageURL(parsing: text)
            Issue.record("accepted: \(parsed)")
        } catch {
            #expect(error == .invalidConfiguration)
            #expect(!error.message.contains(Self.secret), "\(error.message)")
            #expect(!error.message.contains("wJalr"), "\(error.message)")
        }
    }

    @Test("an over-long STORAGE_URL is refused without echoing it")
    func overLong() {
        let text = "s3://K:\(Self.secret)@bucket?region=" + String(repeating: "a", count: 5000)
        do {
            _ = try StorageURL(parsing: text)
            Issue.record("accepted")
        } catch {
            #expect(error == .invalidConfiguration && error.message.count < 200 && !error.message.contains(Self.secret))
        }
    }

    @Test("half a key pair from settings is refused")
    func halfPair() {
        #expect(throws: StorageError.invalidConfiguration) {
            try StorageURL(parsing: "s3://bucket", accessKeyId: "K", secretAccessKey: nil)
        }
        #expect(throws: StorageError.invalidConfiguration) {
            try StorageURL(parsing: "s3://bucket", accessKeyId: "", secretAccessKey: "S")
        }
    }

    @Test("endpoints: hosts, ports and IPv6")
    func endpoints() throws {
        #expect(try S3Endpoint(parsing: "http://[::1]:9000").hostHeader == "[::1]:9000")
        #expect(try S3Endpoint(parsing: "HTTP://Example.COM:80").hostHeader == "example.com")
        #expect(try S3Endpoint(parsing: "https://h:8443").hostHeader == "h:8443")
    }
}
