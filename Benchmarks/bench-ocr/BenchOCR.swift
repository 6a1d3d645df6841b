import Foundation
import OCR

// Pages per second: our OCREnginePool vs the tesseract CLI on the same pages, in one run.
// Usage: bench-ocr <directory of page-*.png> <path of tesseract>
// Both sides recognise up to `pool.size` pages at once. Prints one line per side, then
// `ratio=<ours/cli>`.

@main
enum BenchOCR {
    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: bench-ocr <pages directory> <tesseract binary>\n".utf8))
            exit(2)
        }
        let directory = arguments[1]
        let tesseract = arguments[2]
        let pages = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("page-") && $0.hasSuffix(".png") }.sorted().map { "\(directory)/\($0)" }
        guard !pages.isEmpty else {
            FileHandle.standardError.write(Data("no page-*.png in \(directory)\n".utf8))
            exit(2)
        }

        let clock = ContinuousClock()

        let loadStart = clock.now
        let pool = try await OCREnginePool.start()
        let loadTime = Self.seconds(clock.now - loadStart)
        let concurrency = pool.size
        print("pages=\(pages.count) engines=\(concurrency) engine_load_s=\(String(format: "%.2f", loadTime))")

        // Ours: every page submitted at once; the pool runs `size` at a time.
        let oursStart = clock.now
        let characters = try await withThrowingTaskGroup(of: Int.self) { group in
            for page in pages {
                group.addTask { try await pool.recognize(image: .file(path: page)).text.count }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        let oursTime = Self.seconds(clock.now - oursStart)
        await pool.shutdown()

        // The CLI: `concurrency` processes at a time.
        let cliStart = clock.now
        let failures = try await withThrowingTaskGroup(of: Int32.self) { group in
            var next = 0
            var failures = 0
            while next < min(concurrency, pages.count) {
                let page = pages[next]
                group.addTask { try await Self.runCLI(tesseract, page) }
                next += 1
            }
            while let status = try await group.next() {
                if status != 0 { failures += 1 }
                if next < pages.count {
                    let page = pages[next]
                    group.addTask { try await Self.runCLI(tesseract, page) }
                    next += 1
                }
            }
            return failures
        }
        let cliTime = Self.seconds(clock.now - cliStart)

        let ours = Double(pages.count) / oursTime
        let cli = Double(pages.count) / cliTime
        print(String(format: "ours: %.2f pages/s (%.2f s, %d characters read)", ours, oursTime, characters))
        print(String(format: "cli:  %.2f pages/s (%.2f s, %d failures)", cli, cliTime, failures))
        print(String(format: "ratio=%.2f", ours / cli))
    }

    /// Runs `tesseract page - -l kor+eng --psm 6` and returns its exit status.
    static func runCLI(_ tesseract: String, _ page: String) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tesseract)
        process.arguments = [page, "-", "-l", "kor+eng", "--psm", "6"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
