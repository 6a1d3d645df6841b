import Files
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TestSupport
import Testing

/// Bad files, hostile arguments and SSRF attempts: each job fails for good (dead) with a clear
/// reason, quickly, and nothing internal is contacted.
@Suite(.enabled(if: FilesTestEnv.suitesRun, "needs redis and the clamd of scripts/test-servers/clamd.sh"))
struct HostileFileJobTests {
    @Test("decompression bomb, truncated JPEG, garbage, empty, mismatched declarations, polyglot: dead with the reason")
    func badFilesArePermanentFailures() async throws {
        try await FilesHarness.with { harness in
            let jpeg = try FileSamples.jpeg(width: 600, height: 400)
            let pdf = FileSamples.pdf(pages: 1)
            let bomb = try await harness.upload(FileSamples.pngHeader(width: 100_000, height: 100_000), ext: "png")
            let truncated = try await harness.upload(Array(jpeg.prefix(jpeg.count / 2)), ext: "jpg")
            let garbage = try await harness.upload(FileSamples.noise(4096))
            let empty = try await harness.upload([])
            let declared = try await harness.upload(pdf, ext: "pdf")
            let polyglot = try await harness.upload(pdf + FileSamples.zip, ext: "pdf")
            let notImage = try await harness.upload(pdf, ext: "pdf")
            let small = try await harness.upload(FileSamples.pdf(pages: 1, padding: 5000), ext: "pdf")
            let brokenPDF = try await harness.upload(Array("%PDF-1.4\n".utf8) + FileSamples.noise(3000), ext: "pdf")
            let fullPDF = FileSamples.pdf(pages: 3, padding: 4000)
            let truncatedPDF = try await harness.upload(Array(fullPDF.prefix(fullPDF.count / 2)), ext: "pdf")
            func document(_ source: String, _ extra: String = "") -> String {
                #"{"type":"process_document","source":\#(quoted(source)),"kind":"certificate"\#(extra)}"#
            }
            func image(_ source: String) -> String { #"{"type":"optimize_image","source":\#(quoted(source)),"purpose":"profile"}"# }
            let expected: [(id: String, json: String, error: String)] = [
                (FilesHarness.id("bomb"), image(bomb), "image: the image is 100000 x 100000 pixels"),
                (FilesHarness.id("truncated"), image(truncated), "image: the image data is truncated"),
                (FilesHarness.id("garbage"), document(garbage), "refused file: unsupported file type"),
                (FilesHarness.id("garbage-image"), image(garbage), "refused file: unsupported file type"),
                (FilesHarness.id("empty"), document(empty), "refused file: the file is empty"),
                (FilesHarness.id("ctype"), document(declared, #","content_type":"image/png""#), "refused file: declared content type image/png disagrees with the file, which is application/pdf"),
                (FilesHarness.id("fname"), document(declared, #","filename":"photo.jpg""#), "refused file: file name extension .jpg disagrees with the file, which is application/pdf"),
                (FilesHarness.id("polyglot"), document(polyglot), "refused file: the file is also another format (polyglot)"),
                (FilesHarness.id("pdf-as-image"), image(notImage), "not an image: the file is pdf"),
                (FilesHarness.id("missing"), document("uploads/\(UUID().uuidString.lowercased()).pdf"), "source not found in storage"),
                (FilesHarness.id("cap"), document(small, #","max_bytes":1000"#), "the file is larger than max_bytes"),
                (FilesHarness.id("broken-pdf"), document(brokenPDF), "pdf: the image data is damaged"),
                (FilesHarness.id("truncated-pdf"), document(truncatedPDF), "pdf: the image data is damaged"),
            ]
            let outcomes = try await harness.run(expected.map { ($0.id, $0.json) })
            for job in expected {
                let outcome = outcomes[job.id] ?? [:]
                #expect(outcome["status"] == "dead", "\(job.id): \(outcome)")
                #expect(outcome["attempts"] == "1", "\(job.id): permanent, never retried: \(outcome)")
                #expect(outcome["error"]?.hasPrefix(job.error) == true, "\(job.id): \(outcome["error"] ?? "-")")
                // Refused from the header or the first bytes: no decoding of 10^10 pixels, no waiting.
                #expect((Int(outcome["duration_ms"] ?? "") ?? .max) < 5000, "\(job.id) took \(outcome["duration_ms"] ?? "-") ms")
            }
            // Nothing was stored for any of them.
            let stored = (FileManager.default.enumerator(atPath: harness.scratch + "/store")?.allObjects as? [String]) ?? []
            #expect(!stored.contains { $0.hasPrefix("documents/") || $0.hasPrefix("images/") }, "\(stored)")
        }
    }

    @Test("hostile arguments: dead with an 'invalid arguments' error, the storage never read")
    func hostileArguments() async throws {
        try await FilesHarness.with { harness in
            let good = try await harness.upload(FileSamples.pdf(pages: 1), ext: "pdf")
            let long = String(repeating: "a", count: 10 * 1024)
            let jobs: [(String, String)] = [
                (FilesHarness.id("dotdot"), #"{"type":"process_document","source":"../etc/passwd","kind":"certificate"}"#),
                (FilesHarness.id("dotdot-mid"), #"{"type":"process_document","source":"uploads/../../etc/passwd","kind":"certificate"}"#),
                (FilesHarness.id("abs"), #"{"type":"process_document","source":"/etc/passwd","kind":"certificate"}"#),
                (FilesHarness.id("long"), #"{"type":"process_document","source":"\#(long)","kind":"certificate"}"#),
                (FilesHarness.id("long-url"), #"{"type":"process_document","source":"https://example.com/\#(long)","kind":"certificate"}"#),
                (FilesHarness.id("nul"), #"{"type":"process_document","source":"uploads/a\u0000b","kind":"certificate"}"#),
                (FilesHarness.id("kind"), #"{"type":"process_document","source":\#(quoted(good)),"kind":"a b"}"#),
                (FilesHarness.id("kind-empty"), #"{"type":"process_document","source":\#(quoted(good)),"kind":""}"#),
                (FilesHarness.id("kind-upper"), #"{"type":"process_document","source":\#(quoted(good)),"kind":"Certificate"}"#),
                (FilesHarness.id("maxbytes"), #"{"type":"process_document","source":\#(quoted(good)),"kind":"certificate","max_bytes":-1}"#),
                (FilesHarness.id("maxbytes0"), #"{"type":"process_document","source":\#(quoted(good)),"kind":"certificate","max_bytes":0}"#),
                (FilesHarness.id("purpose"), #"{"type":"optimize_image","source":\#(quoted(good)),"purpose":"x"}"#),
                (FilesHarness.id("variants"), #"{"type":"optimize_image","source":\#(quoted(good)),"purpose":"profile","variants":[999]}"#),
                (FilesHarness.id("variants-empty"), #"{"type":"optimize_image","source":\#(quoted(good)),"purpose":"profile","variants":[]}"#),
                (FilesHarness.id("formats"), #"{"type":"optimize_image","source":\#(quoted(good)),"purpose":"profile","formats":["gif"]}"#),
            ]
            let outcomes = try await harness.run(jobs)
            for (id, _) in jobs {
                let outcome = outcomes[id] ?? [:]
                #expect(outcome["status"] == "dead", "\(id): \(outcome)")
                #expect(outcome["error"]?.hasPrefix("invalid arguments") == true, "\(id): \(outcome["error"] ?? "-")")
                #expect((outcome["error"]?.utf8.count ?? 0) < 600, "\(id): the error does not echo the argument")
            }
            // Decoding failures (wrong JSON types) are permanent too.
            let typed = FilesHarness.id("typed")
            let wrong = try await harness.run([(typed, #"{"type":"process_document","source":42,"kind":"certificate"}"#)])
            #expect(wrong[typed]?["status"] == "dead", "\(String(describing: wrong[typed]))")
        }
    }

    @Test("SSRF at job level: loopback, link-local metadata and odd IPv4 spellings refused; the listener never contacted")
    func ssrfRefused() async throws {
        try await FilesHarness.with { harness in
            try await ConnectionCounter.with { probe in
                let port = probe.port
                let urls = [
                    "https://127.0.0.1:\(port)/x", "https://169.254.169.254/latest/meta-data", "https://0x7f000001:\(port)/",
                    "https://2130706433:\(port)/", "https://127.1:\(port)/", "https://localhost:\(port)/", "https://[::1]:\(port)/",
                    "https://[::ffff:127.0.0.1]:\(port)/", "http://127.0.0.1:\(port)/", "file:///etc/passwd", "gopher://127.0.0.1:\(port)/",
                    "https://0177.0.0.1:\(port)/", "https://10.0.0.1:\(port)/",
                ]
                let jobs = urls.enumerated().map { index, url in
                    (FilesHarness.id("ssrf\(index)"), #"{"type":"process_document","source":\#(quoted(url)),"kind":"certificate"}"#)
                }
                let images = [(FilesHarness.id("ssrf-image"), #"{"type":"optimize_image","source":"https://127.0.0.1:\#(port)/a.jpg","purpose":"profile"}"#)]
                let outcomes = try await harness.run(jobs + images)
                for (index, (id, _)) in (jobs + images).enumerated() {
                    let outcome = outcomes[id] ?? [:]
                    #expect(outcome["status"] == "dead", "\(index < urls.count ? urls[index] : "image"): \(outcome)")
                    #expect(outcome["attempts"] == "1", "refused for good, not retried: \(outcome)")
                    #expect(outcome["error"]?.hasPrefix("source URL refused") == true, "\(outcome["error"] ?? "-")")
                }
                #expect(probe.connections == 0, "the internal listener was contacted")
            }
        }
    }
}
