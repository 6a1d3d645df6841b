import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import OutboundHTTP
import TestSupport
import Testing

@testable import Files

/// A real https fetch with allow-private on: the certificate and SNI are checked against the URL's
/// host name, not the pinned address.
@Suite(
    "SafeFetcher over TLS",
    .enabled(if: TestServers.shouldRun(TestCertificates.isSupported), "openssl is not installed"))
struct SafeFetcherTLSTests {
    /// A server certificate for the DNS name `localhost` ONLY, signed by the test CA.
    ///
    /// TestCertificates' server certificate also names `IP:127.0.0.1`, and NIOSSL accepts a
    /// certificate whose IP SAN matches the connected address even when a host name is expected;
    /// with a name-only certificate, a wrong name can only fail.
    static func serverTLS(_ certificates: TestCertificates) throws -> TLSConfiguration {
        guard let openssl = findExecutable("openssl") else { throw TestFailure("openssl is not installed") }
        let directory = certificates.directory
        try runProgram(
            openssl,
            [
                "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "name.key",
                "-out", "name.csr", "-subj", "/CN=localhost",
            ],
            in: directory)
        try "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n".write(
            to: directory.appendingPathComponent("name.ext"), atomically: true, encoding: .utf8)
        try runProgram(
            openssl,
            [
                "x509", "-req", "-in", "name.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out",
                "name.crt", "-days", "2", "-extfile", "name.ext",
            ],
            in: directory)
        return TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("name.crt").path)
                .map { .certificate($0) },
            privateKey: .privateKey(
                try NIOSSLPrivateKey(file: directory.appendingPathComponent("name.key").path, format: .pem)))
    }

    static func clientTLS(ca: String) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(ca)
        return tls
    }

    @Test("https://localhost with the test CA: fetched; a name the certificate lacks or another CA: refused")
    func tls() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        let payload = Samples.pdf + Samples.noise(200_000)
        let router = Router()
        router.get("doc.pdf") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/pdf"],
                body: .init(byteBuffer: ByteBuffer(bytes: payload)))
        }
        try await withOriginServer(router, host: "127.0.0.1", tls: try Self.serverTLS(certificates)) { port in
            let resolver = StaticResolver(answers: [
                "localhost": [.v4(127, 0, 0, 1)], "wrong-name.test": [.v4(127, 0, 0, 1)],
            ])
            let fetcher = try SafeFetcherTests.fetcher(
                .init(allowPrivateAddresses: true), resolver: resolver,
                tls: Self.clientTLS(ca: certificates.caCertificate))
            try await SafeFetcherTests.withPath { path in
                let file = try await fetcher.fetch(
                    "https://localhost:\(port)/doc.pdf", toFileAt: path, timeout: .seconds(10))
                #expect(file.byteCount == payload.count && file.declaredContentType == "application/pdf")
                #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == payload)
                let type = try await FileSniffer.inspect(
                    fileAt: path, declaredContentType: file.declaredContentType, filename: "doc.pdf")
                #expect(type.format == .pdf)

                // The certificate names only localhost: connecting to the same 127.0.0.1 as another
                // name must fail, which proves verification uses the URL's name.
                let wrongName = await SafeFetcherTests.error { () async throws(FetchError) in
                    try await fetcher.fetch(
                        "https://wrong-name.test:\(port)/doc.pdf", toFileAt: path, timeout: .seconds(10))
                }
                #expect(wrongName == .connectFailed, "\(String(describing: wrongName))")
                let otherCA = try SafeFetcherTests.fetcher(
                    .init(allowPrivateAddresses: true), resolver: resolver,
                    tls: Self.clientTLS(ca: certificates.otherCACertificate))
                let untrusted = await SafeFetcherTests.error { () async throws(FetchError) in
                    try await otherCA.fetch("https://localhost:\(port)/doc.pdf", toFileAt: path, timeout: .seconds(10))
                }
                #expect(untrusted == .connectFailed, "\(String(describing: untrusted))")
            }
            // The system resolver (localhost may also be ::1, where nothing listens: the next address is tried).
            let system = try SafeFetcherTests.fetcher(
                .init(allowPrivateAddresses: true), tls: Self.clientTLS(ca: certificates.caCertificate))
            try await SafeFetcherTests.withPath { path in
                let file = try await system.fetch(
                    "https://localhost:\(port)/doc.pdf", toFileAt: path, timeout: .seconds(10))
                #expect(file.byteCount == payload.count)
            }
        }
    }
}
