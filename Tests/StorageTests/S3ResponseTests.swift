import OutboundHTTP
import Testing

@testable import Storage

@Suite("S3 answers: error documents, multipart XML, classification")
struct S3ResponseTests {
    @Test("error documents are read for their code and message")
    func errorDocument() {
        let body = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match &amp; so on.</Message>\
            <StringToSign>AWS4-HMAC-SHA256 secret-ish</StringToSign></Error>
            """
        let document = S3ErrorDocument(body: body)
        #expect(document.code == "SignatureDoesNotMatch")
        #expect(document.message == "The request signature we calculated does not match & so on.")
    }

    @Test(
        "garbage, truncated and hostile bodies give no code, never a crash",
        arguments: [
            "", "<", "<Error>", "<Error><Code>", "<Code>AccessDenied", "<Code>Access Denied<script></Code>", "&&&&;;;",
            "<Code>" + String(repeating: "A", count: 100) + "</Code>", String(repeating: "<Code>", count: 10000),
            "<Message>\u{0}\u{1}\u{7F}</Message>", "<Code>&#xFFFFFFFF;</Code>", "<Code>&#99999999999;</Code>",
        ])
    func garbage(_ body: String) {
        let document = S3ErrorDocument(body: body)
        #expect(document.code == nil || document.code!.allSatisfy { $0.isLetter || $0.isNumber })
        if let message = document.message {
            #expect(message.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F })
        }
    }

    @Test("entities and the multipart documents")
    func xml() {
        #expect(
            S3XML.decodeEntities("a &lt;b&gt; &quot;c&quot; &apos;d&apos; &#65;&#x42; &bogus; &")
                == "a <b> \"c\" 'd' AB &bogus; &")
        #expect(
            S3XML.firstElement("UploadId", in: "<R><Bucket>b</Bucket><UploadId>abc-123</UploadId></R>") == "abc-123")
        #expect(S3XML.firstElement("UploadId", in: "<UploadId>abc") == nil)
        #expect(
            S3XML.completeMultipartUpload(parts: [(1, "\"e1\""), (2, "\"e2\"")])
                == "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Part><PartNumber>1</PartNumber>"
                + "<ETag>&quot;e1&quot;</ETag></Part><Part><PartNumber>2</PartNumber><ETag>&quot;e2&quot;</ETag></Part></CompleteMultipartUpload>"
        )
    }

    @Test("statuses: 404 not found, 403 refused with its code, 5xx/429/408 unavailable")
    func statuses() {
        #expect(S3ResponseClassifier.error(status: 200, body: "", operation: "GET") == nil)
        #expect(S3ResponseClassifier.error(status: 404, body: "", operation: "GET") == .notFound)
        #expect(
            S3ResponseClassifier.error(status: 404, body: "<Error><Code>NoSuchKey</Code></Error>", operation: "GET")
                == .notFound)
        let bucket = S3ResponseClassifier.error(
            status: 404, body: "<Error><Code>NoSuchBucket</Code></Error>", operation: "PUT")
        #expect(bucket == .refused && bucket?.serverCode == "NoSuchBucket")
        let denied = S3ResponseClassifier.error(
            status: 403, body: "<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>",
            operation: "PUT")
        #expect(denied == .refused && denied?.status == 403 && denied?.isTransient == false)
        #expect(denied?.message == "the storage server refused PUT with HTTP 403 AccessDenied: Access Denied.")
        for status in [408, 429, 500, 502, 503] {
            let error = S3ResponseClassifier.error(
                status: status, body: "<Error><Code>SlowDown</Code></Error>", operation: "PUT")
            #expect(error == .unavailable && error?.isTransient == true, "\(status)")
        }
        #expect(S3ResponseClassifier.error(status: 301, body: "", operation: "GET") == .refused)
        #expect(
            S3ResponseClassifier.errorInSuccessBody("<Error><Code>InternalError</Code></Error>", operation: "C")
                == .unavailable)
        #expect(
            S3ResponseClassifier.errorInSuccessBody("<Error><Code>InvalidPart</Code></Error>", operation: "C")
                == .refused)
        #expect(S3ResponseClassifier.errorInSuccessBody("<CompleteMultipartUploadResult/>", operation: "C") == nil)
    }

    @Test("transport failures")
    func transport() {
        #expect(
            S3ResponseClassifier.error(OutboundHTTPError.connectFailed, operation: "GET", limit: nil) == .unavailable)
        #expect(S3ResponseClassifier.error(OutboundHTTPError.timedOut, operation: "GET", limit: nil) == .unavailable)
        #expect(
            S3ResponseClassifier.error(OutboundHTTPError.responseTooLarge, operation: "GET", limit: 10) == .tooLarge)
        #expect(S3ResponseClassifier.error(OutboundHTTPError.callerStream, operation: "PUT", limit: nil) == .localFile)
        #expect(S3ResponseClassifier.error(OutboundHTTPError.cancelled, operation: "PUT", limit: nil) == .cancelled)
    }

    @Test("part sizes stay within 10,000 parts and at least 5 MiB")
    func partSizes() {
        #expect(S3Storage.partSize(forFileOf: 30 << 20, configured: 8 << 20) == 8 << 20)
        #expect(S3Storage.partSize(forFileOf: 30 << 20, configured: 1 << 20) == 5 << 20)
        let huge: Int64 = 200 << 30
        let size = S3Storage.partSize(forFileOf: huge, configured: 8 << 20)
        #expect((huge + size - 1) / size <= 10_000)
    }

    @Test("local metadata: round trip and garbage")
    func localMetadata() {
        let metadata = LocalObjectMetadata(contentType: "image/png", etag: "abc")
        #expect(LocalObjectMetadata(decoding: metadata.encoded) == metadata)
        for garbage in ["", "v2\na\nb\n", "v1\n", "v1\n\nb\n", "\u{0}\u{1}"] {
            #expect(LocalObjectMetadata(decoding: garbage) == nil)
        }
    }

    @Test("content types with control characters are refused (no header injection)")
    func contentTypes() throws {
        try ContentType.check("image/jpeg")
        for bad in ["", "text/plain\r\nX-Evil: 1", "a\u{0}", String(repeating: "a", count: 256), "tëxt/plain"] {
            #expect(throws: StorageError.invalidArgument) { try ContentType.check(bad) }
        }
    }
}
