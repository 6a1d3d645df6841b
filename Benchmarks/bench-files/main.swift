// Variant generation rate of the Imaging module (issue 10, "Benchmark"; scripts/bench-files.sh runs
// it on 50 camera-size JPEGs and compares with vipsthumbnail and ImageMagick on the same files).
//
// Every JPEG of BENCH_DIR goes through `ImageProcessor.makeVariants(fileAt:purpose:formats:)` —
// header probe and guards, one shrink-on-load decode to the largest variant, the smaller ones
// resized from it, each encoded without metadata — with BENCH_THREADS (default: the core count)
// pool threads and as many files in flight. The variants are counted and dropped (no writes), the
// timed span covering all files, from the first call to the last result.
//
// Configuration (environment): BENCH_DIR (required), BENCH_PURPOSE (profile), BENCH_FORMATS (jpeg;
// comma-separated, e.g. webp,jpeg), BENCH_THREADS (core count), BENCH_JPEG_QUALITY (82).
//
// Output (stdout): `key=value` lines: files, variants, seconds, variants_per_s, files_per_s,
// bytes_out, peak_rss_mb (VmHWM of this process), errors; `#` lines are notes. Exit status 1 when a
// file failed.
import Foundation
import Imaging
import Logging

#if canImport(Glibc)
    import Glibc
#endif

struct BenchError: Error, CustomStringConvertible {
    let description: String
}

/// VmHWM of this process in MB (0 when /proc is not there).
func peakRSSMegabytes() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kilobytes / 1024
    }
    return 0
}

let environment = ProcessInfo.processInfo.environment
guard let directory = environment["BENCH_DIR"] else {
    FileHandle.standardError.write(Data("bench-files: set BENCH_DIR to a directory of JPEGs\n".utf8))
    exit(2)
}
guard let purpose = ImagePurpose(rawValue: environment["BENCH_PURPOSE"] ?? "profile") else {
    FileHandle.standardError.write(Data("bench-files: BENCH_PURPOSE is profile or project\n".utf8))
    exit(2)
}
let formatNames = (environment["BENCH_FORMATS"] ?? "jpeg").split(separator: ",").map(String.init)
let formats = formatNames.compactMap(ImageOutputFormat.init(rawValue:))
guard formats.count == formatNames.count, !formats.isEmpty else {
    FileHandle.standardError.write(Data("bench-files: BENCH_FORMATS lists webp and/or jpeg\n".utf8))
    exit(2)
}
let threads = Int(environment["BENCH_THREADS"] ?? "") ?? ProcessInfo.processInfo.activeProcessorCount
let jpegQuality = Int(environment["BENCH_JPEG_QUALITY"] ?? "") ?? 82

let files = try FileManager.default.contentsOfDirectory(atPath: directory)
    .filter { $0.lowercased().hasSuffix(".jpg") || $0.lowercased().hasSuffix(".jpeg") }
    .sorted()
    .map { "\(directory)/\($0)" }
guard !files.isEmpty else {
    FileHandle.standardError.write(Data("bench-files: no .jpg files in BENCH_DIR\n".utf8))
    exit(2)
}

struct Totals: Sendable {
    var variants = 0
    var bytes = 0
    var errors = 0
}

let configuration = ImagingConfiguration(jpegQuality: jpegQuality)
print(
    "# bench-files: \(files.count) files, purpose \(purpose.rawValue), formats \(formatNames.joined(separator: ",")), \(threads) pool threads, JPEG Q \(jpegQuality)"
)

let (totals, elapsed) = try await CPUWorkPool.withPool(threadCount: threads) { pool -> (Totals, Duration) in
    let processor = try ImageProcessor(configuration: configuration, pool: pool, logger: Logger(label: "bench-files"))
    let clock = ContinuousClock()
    let start = clock.now
    let totals = await withTaskGroup(of: Result<ImageVariantSet, ImagingError>.self) { group -> Totals in
        var totals = Totals()
        var next = 0
        // Keep `threads` files in flight: enough to fill the pool, no more (memory stays bounded).
        func addNext() {
            guard next < files.count else { return }
            let file = files[next]
            next += 1
            group.addTask {
                do throws(ImagingError) {
                    return .success(try await processor.makeVariants(fileAt: file, purpose: purpose, formats: formats))
                } catch {
                    return .failure(error)
                }
            }
        }
        for _ in 0..<threads { addNext() }
        for await result in group {
            switch result {
            case .success(let set):
                totals.variants += set.variants.count
                totals.bytes += set.variants.reduce(0) { $0 + $1.byteCount }
            case .failure(let error):
                totals.errors += 1
                print("# error: \(error)")
            }
            addNext()
        }
        return totals
    }
    return (totals, clock.now - start)
}

let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("files=\(files.count)")
print("variants=\(totals.variants)")
print("seconds=\(String(format: "%.3f", seconds))")
print("variants_per_s=\(String(format: "%.2f", Double(totals.variants) / seconds))")
print("files_per_s=\(String(format: "%.2f", Double(files.count) / seconds))")
print("bytes_out=\(totals.bytes)")
print("peak_rss_mb=\(String(format: "%.1f", peakRSSMegabytes()))")
print("errors=\(totals.errors)")
exit(totals.errors == 0 ? 0 : 1)
