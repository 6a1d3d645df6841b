import Foundation
import OCR

/// Pages per second: our OCREnginePool vs the tesseract CLI on the same pages, in one run.
///
/// Usage: `bench-ocr <directory of page-*.png> <path of tesseract>`. Both sides recognise up to
/// `pool.size` pages at once: the pool with its engines loaded once, the CLI
/// (`tesseract page - -l kor+eng --psm 6`) as one process per page. `BENCH_ROUNDS` (default 2)
/// repeats the measurements, the sides taking turns, and keeps the best of each.
///
/// Wall-clock rates swing with whatever else the machine runs, so each side's CPU time is
/// measured too (`getrusage`: our process for the pool, the reaped children for the CLI) and
/// `cpu_ratio` compares pages per CPU-second, which other load barely moves. The last line is
/// `ratio=<ours/cli>` (wall clock).
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
        let rounds = max(1, Int(ProcessInfo.processInfo.environment["BENCH_ROUNDS"] ?? "") ?? 2)
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
        print(
            "pages=\(pages.count) engines=\(concurrency) engine_load_s=\(String(format: "%.2f", loadTime)) rounds=\(rounds)"
        )

        var wall = (ours: Double.infinity, cli: Double.infinity)
        var cpu = (ours: Double.infinity, cli: Double.infinity)
        var characters = 0
        var failures: Int32 = 0
        for _ in 0..<rounds {
            var start = clock.now
            var startCPU = Self.cpuSeconds(RUSAGE_SELF.rawValue)
            characters = try await Self.recognizeAll(pages, on: pool)
            wall.ours = min(wall.ours, Self.seconds(clock.now - start))
            cpu.ours = min(cpu.ours, Self.cpuSeconds(RUSAGE_SELF.rawValue) - startCPU)

            start = clock.now
            startCPU = Self.cpuSeconds(RUSAGE_CHILDREN.rawValue)
            failures = try await Self.runCLIAll(pages, tesseract: tesseract, concurrency: concurrency)
            wall.cli = min(wall.cli, Self.seconds(clock.now - start))
            cpu.cli = min(cpu.cli, Self.cpuSeconds(RUSAGE_CHILDREN.rawValue) - startCPU)
        }
        await pool.shutdown()

        let count = Double(pages.count)
        func line(_ name: String, _ wall: Double, _ cpu: Double) -> String {
            let rates = String(
                format: "%.2f pages/s (%.2f s), %.2f pages per CPU-second", count / wall, wall, count / cpu)
            return "\(name) \(rates) (\(String(format: "%.2f", cpu)) CPU-s)"
        }
        print(line("ours:", wall.ours, cpu.ours) + ", \(characters) characters read")
        print(line("cli: ", wall.cli, cpu.cli) + ", \(failures) failures")
        print(String(format: "cpu_ratio=%.2f", cpu.cli / cpu.ours))
        print(String(format: "ratio=%.2f", wall.cli / wall.ours))
    }

    /// Every page submitted at once; the pool runs `size` at a time. Returns the characters read.
    static func recognizeAll(_ pages: [String], on pool: OCREnginePool) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for page in pages {
                group.addTask { try await pool.recognize(image: .file(path: page)).text.count }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
    }

    /// `concurrency` CLI processes at a time. Returns how many failed.
    static func runCLIAll(_ pages: [String], tesseract: String, concurrency: Int) async throws -> Int32 {
        try await withThrowingTaskGroup(of: Int32.self) { group in
            var next = 0
            var failures: Int32 = 0
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

    /// User + system CPU seconds of this process (`RUSAGE_SELF`) or of its reaped children.
    static func cpuSeconds(_ who: Int32) -> Double {
        var usage = rusage()
        _ = getrusage(who, &usage)
        func value(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return value(usage.ru_utime) + value(usage.ru_stime)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
