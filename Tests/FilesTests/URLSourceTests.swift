import Files
import Foundation
import Hummingbird
import NIOCore
import NIOSSL
import OutboundHTTP
import Storage
import TestSupport
import Testing

/// Jobs whose source is an `https` URL: fetched over real TLS (a test CA) by the SSRF-safe fetcher,
/// with only the test origin's address allowed although it is loopback.
@Suite(
    .enabled(
        if: FilesTestEnv.suitesRun && TestServers.shouldRun(TestCertificates.isSupported),
        "needs redis, clamd and openssl"))
struct URLSourceTests {
    @Test("https sources: a PDF stored, an image's variants made, EICAR rejected, 404 and redirects to internal addresses refused")
    func urlSources() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let pdf = FileSamples.pdf(pages: 2, padding: 3000)
        let eicar = FileSamples.eicarPDF()
        let jpeg = try FileSamples.jpeg(width: 300, height: 200)
        let router = Router()
        func serve(_ path: String, _ bytes: [UInt8], _ type: String) {
            router.get(RouterPath(path)) { _, _ in
                Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
        }
        serve("doc.pdf", pdf, "application/pdf")
        serve("eicar.pdf", eicar, "application/pdf")
        serve("photo.jpg", jpeg, "image/jpeg")
        router.get("redirect") { _, _ in
            Response(status: .found, headers: [.location: "https://169.254.169.254/latest/meta-data"])
        }
        router.get("missing") { _, _ in Response(status: .notFound) }
        let serverTLS = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificates.serverCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: certificates.serverKey, format: .pem)))
        try await withOriginServer(router, host: "127.0.0.1", tls: serverTLS) { port in
            var clientTLS = TLSConfiguration.makeClientConfiguration()
            clientTLS.trustRoots = .file(certificates.caCertificate)
            try await FilesHarness.with(makeFetcher: { http in
                SafeFetcher(
                    configuration: .init(testOnlyAllowedAddresses: [.v4(127, 0, 0, 1)]),
                    client: try PinnedFetch(sharing: http, tlsConfiguration: clientTLS, logger: FilesTestEnv.logger),
                    logger: FilesTestEnv.logger)
            }) { harness in
                let origin = "https://127.0.0.1:\(port)"
                let doc = FilesHarness.id("doc"), image = FilesHarness.id("image"), infected = FilesHarness.id("infected")
                let missing = FilesHarness.id("missing"), redirect = FilesHarness.id("redirect")
                let plain = FilesHarness.id("plain")
                func document(_ url: String) -> String { #"{"type":"process_document","source":\#(quoted(url)),"kind":"certificate"}"# }
                let outcomes = try await harness.run([
                    (doc, document("\(origin)/doc.pdf")),
                    (image, #"{"type":"optimize_image","source":"\#(origin)/photo.jpg","purpose":"project","formats":["jpeg"]}"#),
                    (infected, document("\(origin)/eicar.pdf")),
                    (missing, document("\(origin)/missing")),
                    (redirect, document("\(origin)/redirect")),
                    (plain, document("http://127.0.0.1:\(port)/doc.pdf")),
                ])
                #expect(outcomes[doc]?["status"] == "succeeded", "\(String(describing: outcomes[doc]))")
                let result = try FilesHarness.json(outcomes[doc])
                #expect(result["pages"] as? Int == 2)
                #expect(result["bytes"] as? Int == pdf.count)
                let key = try StorageKey(validating: try #require(result["key"] as? String))
                #expect(try await harness.service.storage.head(key)?.bytes == Int64(pdf.count))

                #expect(outcomes[image]?["status"] == "succeeded", "\(String(describing: outcomes[image]))")
                let variants = try #require(try FilesHarness.json(outcomes[image])["variants"] as? [[String: Any]])
                #expect(variants.count == 3)
                #expect(variants.first?["width"] as? Int == 300, "never upscaled")

                #expect(outcomes[infected]?["status"] == "rejected", "\(String(describing: outcomes[infected]))")
                #expect(outcomes[infected]?["error"]?.hasPrefix("infected: Eicar-Test-Signature") == true)

                for id in [missing, redirect, plain] {
                    #expect(outcomes[id]?["status"] == "dead", "\(id): \(String(describing: outcomes[id]))")
                    #expect(outcomes[id]?["error"]?.hasPrefix("source URL refused") == true, "\(id): \(outcomes[id]?["error"] ?? "-")")
                }
            }
        }
    }
}
