import Crypto
import Files
import Foundation
import Imaging
import Storage
import TestSupport
import Testing

/// `optimize_image` end to end with real libvips: variants stored, decodable, auto-rotated.
@Suite(.enabled(if: FilesTestEnv.suitesRun, "needs redis and the clamd of scripts/test-servers/clamd.sh"))
struct OptimizeImageTests {
    /// The mean gray level (0...1) of a 1-pixel-high strip of a stored JPEG, through ImageMagick.
    static func gray(_ path: String, y: Int, width: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/convert")
        process.arguments = [path, "-colorspace", "Gray", "-crop", "\(width)x1+0+\(y)", "+repage", "-format", "%[fx:mean]", "info:"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try #require(Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test("profile and project: result shape, variants stored and decodable, EXIF orientation 6 applied", arguments: ["profile", "project"])
    func variants(purpose: String) async throws {
        try await FilesHarness.with { harness in
            // Stored 1000 x 500, left half black; orientation 6 shows it 500 x 1000 with the top black.
            let jpeg = try FileSamples.jpeg(width: 1000, height: 500, orientation: 6)
            let source = try await harness.upload(jpeg, ext: "jpg", contentType: "image/jpeg")
            let id = FilesHarness.id(purpose)
            let outcomes = try await harness.run([(id, #"{"type":"optimize_image","source":\#(quoted(source)),"purpose":"\#(purpose)"}"#)])
            #expect(outcomes[id]?["status"] == "succeeded", "\(String(describing: outcomes[id]))")
            let result = try FilesHarness.json(outcomes[id])
            let sha = SHA256.hash(data: jpeg).map { String(format: "%02x", $0) }.joined()
            #expect(Set(result.keys) == ["sha256", "width", "height", "variants"])
            #expect(result["sha256"] as? String == sha)
            #expect(result["width"] as? Int == 500)
            #expect(result["height"] as? Int == 1000)
            let variants = try #require(result["variants"] as? [[String: Any]])
            let boxes = purpose == "profile" ? [512, 256, 128] : [1600, 800, 400]
            #expect(variants.count == boxes.count * 2, "each size in webp and jpeg: \(variants)")
            #expect(Set(variants.compactMap { $0["format"] as? String }) == ["webp", "jpeg"])
            for variant in variants {
                #expect(Set(variant.keys) == ["key", "width", "height", "format", "bytes"])
                let key = try StorageKey(validating: try #require(variant["key"] as? String))
                let width = try #require(variant["width"] as? Int), height = try #require(variant["height"] as? Int)
                let format = try #require(variant["format"] as? String)
                #expect(key.rawValue.hasPrefix("images/\(sha)/\(purpose)-"))
                #expect(key.rawValue.hasSuffix(format == "jpeg" ? ".jpg" : ".webp"))
                if purpose == "profile" {
                    #expect(width == height, "a square crop: \(variant)")
                } else {
                    #expect(height == 2 * width || abs(height - 2 * width) <= 1, "aspect kept, rotated: \(variant)")
                }
                #expect(max(width, height) <= 1000)
                // Stored and decodable at the size the result gives.
                let path = harness.scratch + "/variant-\(UUID().uuidString.prefix(6)).\(format == "jpeg" ? "jpg" : "webp")"
                let info = try await harness.service.storage.get(key, toFileAt: path, maxBytes: 10 << 20)
                #expect(info.bytes == Int64(try #require(variant["bytes"] as? Int)))
                let header = try await harness.images.probe(fileAt: path)
                #expect(header.width == width && header.height == height, "\(header) vs \(variant)")
                #expect(header.orientation == 1, "no orientation left in the output")
                if format == "jpeg", purpose == "project" {
                    // The top is black and the bottom white: the rotation was applied to the pixels.
                    #expect(try Self.gray(path, y: 2, width: width) < 0.2)
                    #expect(try Self.gray(path, y: height - 3, width: width) > 0.8)
                }
            }
        }
    }

    @Test("a chosen subset of sizes and formats; a second job for the same image stores nothing")
    func subsetAndCache() async throws {
        let local = NSTemporaryDirectory() + "bp-files-img-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: local) }
        let storage = CountingStorage(LocalStorage(directory: local))
        try await FilesHarness.with(storage: storage) { harness in
            let jpeg = try FileSamples.jpeg(width: 300, height: 300)
            let first = try await harness.upload(jpeg, ext: "jpg")
            let second = try await harness.upload(jpeg, ext: "jpg")
            let uploads = storage.puts.count
            let a = FilesHarness.id("a"), b = FilesHarness.id("b")
            let job = { (source: String) in
                #"{"type":"optimize_image","source":\#(quoted(source)),"purpose":"profile","variants":[128],"formats":["jpeg"]}"#
            }
            let outcomes = try await harness.withEngine { queue, producer in
                var all = try await harness.enqueueAndWait([(a, job(first))], queue: queue, producer: producer)
                all.merge(try await harness.enqueueAndWait([(b, job(second))], queue: queue, producer: producer)) { x, _ in x }
                return all
            }
            let result = try FilesHarness.json(outcomes[a])
            let variants = try #require(result["variants"] as? [[String: Any]])
            #expect(variants.count == 1)
            #expect(variants.first?["width"] as? Int == 128)
            #expect(variants.first?["format"] as? String == "jpeg")
            #expect(storage.puts.count == uploads + 1, "one variant stored, once: \(storage.puts)")
            #expect(try FilesHarness.json(outcomes[b]) as NSDictionary == result as NSDictionary)
        }
    }
}
