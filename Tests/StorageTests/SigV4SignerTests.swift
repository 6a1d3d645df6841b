import Testing

@testable import Storage

/// The signer against published vectors.
///
/// Sources (expected values copied exactly, never computed here):
/// - AWS's SigV4 test suite as shipped in awslabs/aws-c-auth
///   `tests/aws-signing-test-suite/v4/<name>/header-signed-request.txt` (credentials AKIDEXAMPLE /
///   wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, service `service`).
/// - The Amazon S3 API reference, "Signature Calculations for the Authorization Header:
///   Transferring Payload in a Single Chunk" examples (AKIAIOSFODNN7EXAMPLE /
///   wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, 20130524T000000Z, bucket `examplebucket`).
@Suite("SigV4Signer: AWS test-suite and S3 documentation vectors")
struct SigV4SignerTests {
    static let suite = SigV4Signer(
        credentials: SigV4Credentials(
            accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "service")
    static let suiteTime = SigV4Timestamp(secondsSince1970: 1_440_938_160)
    static let s3Docs = SigV4Signer(
        credentials: SigV4Credentials(
            accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        region: "us-east-1", service: "s3")
    static let s3Time = SigV4Timestamp(secondsSince1970: 1_369_353_600)
    static let host = ("host", "example.amazonaws.com")

    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let method: String
        let path: String
        let query: [(name: String, value: String)]
        let headers: [(name: String, value: String)]
        let payloadHash: String
        let signedHeaders: String
        let signature: String
        var testDescription: String { self.name }
    }

    static let suiteVectors: [Vector] = [
        Vector(
            name: "get-vanilla", method: "GET", path: "/", query: [], headers: [host],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;x-amz-date",
            signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        Vector(
            name: "get-vanilla-query-order-key-case", method: "GET", path: "/",
            query: [("Param2", "value2"), ("Param1", "value1")], headers: [host],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;x-amz-date",
            signature: "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        Vector(
            name: "get-header-value-trim", method: "GET", path: "/", query: [],
            headers: [host, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\"")],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;my-header1;my-header2;x-amz-date",
            signature: "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"),
        Vector(
            name: "get-unreserved", method: "GET",
            path: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            query: [], headers: [host], payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;x-amz-date",
            signature: "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f"),
        Vector(
            name: "get-utf8", method: "GET", path: "/\u{1234}", query: [], headers: [host],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;x-amz-date",
            signature: "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85"),
        Vector(
            name: "get-space-unnormalized", method: "GET", path: "/example space/", query: [], headers: [host],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;x-amz-date",
            signature: "652487583200325589f1fba4c7e578f72c47cb61beeca81406b39ddec1366741"),
        Vector(
            name: "post-vanilla", method: "POST", path: "/", query: [], headers: [host],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;x-amz-date",
            signature: "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        Vector(
            name: "post-header-key-sort", method: "POST", path: "/", query: [],
            headers: [host, ("My-Header1", "value1")],
            payloadHash: SigV4Signer.emptyPayloadHash, signedHeaders: "host;my-header1;x-amz-date",
            signature: "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c"),
        Vector(
            name: "post-x-www-form-urlencoded (signed body)", method: "POST", path: "/", query: [],
            headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), host, ("Content-Length", "13"),
                ("x-amz-content-sha256", "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e"),
            ],
            payloadHash: "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e",
            signedHeaders: "content-length;content-type;host;x-amz-content-sha256;x-amz-date",
            signature: "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b"),
    ]

    @Test("AWS SigV4 test suite", arguments: Self.suiteVectors)
    func awsSuite(_ vector: Vector) {
        let signed = Self.suite.sign(
            method: vector.method, path: vector.path, query: vector.query, headers: vector.headers,
            payloadHash: vector.payloadHash, timestamp: Self.suiteTime)
        #expect(signed.signedHeaders == vector.signedHeaders)
        #expect(signed.signature == vector.signature)
        #expect(
            signed.authorization
                == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(vector.signedHeaders), Signature=\(vector.signature)"
        )
        #expect(signed.amzDate == "20150830T123600Z")
    }

    @Test("get-vanilla: the canonical request has the suite's exact shape")
    func canonicalRequestShape() {
        let signed = Self.suite.sign(
            method: "GET", path: "/", query: [], headers: [Self.host], payloadHash: SigV4Signer.emptyPayloadHash,
            timestamp: Self.suiteTime)
        #expect(
            signed.canonicalRequest
                == "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\(SigV4Signer.emptyPayloadHash)"
        )
        #expect(
            signed.stringToSign.hasPrefix(
                "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"))
    }

    @Test("S3 docs: GET Object with Range")
    func s3GetObject() {
        let signed = Self.s3Docs.sign(
            method: "GET", path: "/test.txt", query: [],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
                ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash), ("x-amz-date", "20130524T000000Z"),
            ],
            payloadHash: SigV4Signer.emptyPayloadHash, timestamp: Self.s3Time)
        #expect(signed.signedHeaders == "host;range;x-amz-content-sha256;x-amz-date")
        #expect(signed.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
        #expect(
            signed.stringToSign
                == "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
        )
    }

    @Test("S3 docs: PUT Object, key with $ encoded once, hashed payload")
    func s3PutObject() {
        let body = "Welcome to Amazon S3."
        let hash = SigV4Signer.sha256Hex(Array(body.utf8))
        #expect(hash == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072")
        let signed = Self.s3Docs.sign(
            method: "PUT", path: "/test$file.text", query: [],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("x-amz-content-sha256", hash), ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            payloadHash: hash, timestamp: Self.s3Time)
        #expect(signed.canonicalRequest.hasPrefix("PUT\n/test%24file.text\n\n"))
        #expect(signed.signedHeaders == "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class")
        #expect(signed.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    @Test("S3 docs: GET Bucket (list objects) with a sorted query")
    func s3ListObjects() {
        let signed = Self.s3Docs.sign(
            method: "GET", path: "/", query: [("prefix", "J"), ("max-keys", "2")],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
            ],
            payloadHash: SigV4Signer.emptyPayloadHash, timestamp: Self.s3Time)
        #expect(signed.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")
    }

    @Test("S3 docs: GET Bucket lifecycle (a query name without a value)")
    func s3Lifecycle() {
        let signed = Self.s3Docs.sign(
            method: "GET", path: "/", query: [("lifecycle", "")],
            headers: [
                ("Host", "examplebucket.s3.amazonaws.com"), ("x-amz-content-sha256", SigV4Signer.emptyPayloadHash),
            ],
            payloadHash: SigV4Signer.emptyPayloadHash, timestamp: Self.s3Time)
        #expect(signed.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    }

    @Test("URI encoding: S3 rules, once, / kept in paths only")
    func uriEncoding() {
        #expect(SigV4URIEncoding.encode("a b+c/d", keepSlash: true) == "a%20b%2Bc/d")
        #expect(SigV4URIEncoding.encode("a b+c/d", keepSlash: false) == "a%20b%2Bc%2Fd")
        #expect(SigV4URIEncoding.encode("100%", keepSlash: true) == "100%25")
        #expect(SigV4URIEncoding.encode("-._~AZaz09", keepSlash: false) == "-._~AZaz09")
        #expect(SigV4URIEncoding.encode("사진/é.jpg", keepSlash: true) == "%EC%82%AC%EC%A7%84/%C3%A9.jpg")
        #expect(SigV4URIEncoding.encode("!*'()$&=?#", keepSlash: true) == "%21%2A%27%28%29%24%26%3D%3F%23")
        #expect(
            SigV4URIEncoding.canonicalQuery([("b", "2"), ("a", "1"), ("A", "0"), ("uploads", "")])
                == "A=0&a=1&b=2&uploads=")
    }

    @Test(
        "timestamps from Unix seconds",
        arguments: [
            (Int64(1_440_938_160), "20150830T123600Z"), (0, "19700101T000000Z"), (951_868_799, "20000229T235959Z"),
            (4_107_542_400, "21000301T000000Z"), (-5, "19700101T000000Z"),
        ])
    func timestamps(_ seconds: Int64, _ expected: String) {
        let timestamp = SigV4Timestamp(secondsSince1970: seconds)
        #expect(timestamp.amzDate == expected)
        #expect(timestamp.dateStamp == String(expected.prefix(8)))
    }

    @Test("header values: trimmed, inner spaces collapsed")
    func trimming() {
        #expect(SigV4Signer.trimmed("  a   b  c  ") == "a b c")
        #expect(SigV4Signer.trimmed("") == "")
        #expect(SigV4Signer.trimmed("\t x \t") == "x")
    }

    @Test("credentials never print their secret")
    func redaction() {
        let credentials = SigV4Credentials(accessKeyId: "AKID", secretAccessKey: "TOPSECRET")
        #expect(!"\(credentials)".contains("TOPSECRET"))
        #expect(!String(reflecting: credentials).contains("TOPSECRET"))
    }
}
