import Foundation
import Logging
import OCR
import ServiceLifecycle
import TestSupport
import Testing

/// The pool: engines loaded once, pages spread over them, a clear error after shutdown.
@Suite(
    .enabled(if: TestServers.shouldRun(TestPages.available), "needs tesseract kor+eng, ImageMagick and fonts-noto-cjk"))
struct OCREnginePoolTests {
    @Test("more pages than engines: all recognised, at most `size` at once")
    func concurrentPages() async throws {
        let directory = try makeTemporaryDirectory("ocr-pool")
        defer { try? FileManager.default.removeItem(at: directory) }
        let names = ["김철수", "이영희", "박민준", "최서연", "정하늘", "강지훈"]
        let paths = try names.enumerated().map { index, name in
            // Whole certificates: on a two-line page tesseract reads some names as Latin (the CLI too).
            try TestPages.render(
                OCRTestEnv.certificate.replacingOccurrences(of: "홍길동", with: name), name: "p\(index)", in: directory)
        }
        var configuration = OCRConfiguration()
        configuration.engines = 2
        try await OCREnginePool.withPool(configuration: configuration) { pool in
            #expect(pool.size == 2)
            let texts = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for (index, path) in paths.enumerated() {
                    group.addTask { (index, try await pool.recognize(image: .file(path: path)).text) }
                }
                return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
            }
            for (index, name) in names.enumerated() {
                #expect(OCRTestEnv.compact(texts[index] ?? "").contains(name), "page \(index)")
            }
        }
    }

    @Test("after shutdown a call fails with shutDown, not a hang or crash")
    func afterShutdown() async throws {
        var configuration = OCRConfiguration()
        configuration.engines = 1
        let pool = try await OCREnginePool.start(configuration: configuration)
        await pool.shutdown()
        await #expect(throws: OCRError.shutDown) {
            try await pool.recognize(image: .gray(width: 10, height: 10, bytes: Data(count: 100)))
        }
    }

    @Test("as a Service: the graceful shutdown of its ServiceGroup shuts the pool down")
    func service() async throws {
        var configuration = OCRConfiguration()
        configuration.engines = 1
        let pool = try await OCREnginePool.start(configuration: configuration)
        let group = ServiceGroup(services: [pool], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "ocr-test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let blank = try await pool.recognize(image: .gray(width: 64, height: 64, bytes: Data(repeating: 255, count: 4096)))
            #expect(blank.meanConfidence == 0, "the pool works while the group runs")
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await #expect(throws: OCRError.shutDown) { try await pool.recognize(image: .gray(width: 8, height: 8, bytes: Data(count: 64))) }
    }

    @Test("missing traineddata is engineUnavailable, reported when the pool starts")
    func missingData() async throws {
        var configuration = OCRConfiguration()
        configuration.dataPath = "/nonexistent/tessdata"
        configuration.engines = 1
        await #expect(throws: OCRError.engineUnavailable("")) {
            _ = try await OCREnginePool.start(configuration: configuration)
        }
        configuration.dataPath = nil
        configuration.variables = ["no_such_tesseract_variable": "1"]
        await #expect(throws: OCRError.engineUnavailable("")) {
            _ = try await OCREnginePool.start(configuration: configuration)
        }
        configuration.variables = [:]
        configuration.languages = "xyz"
        await #expect(throws: OCRError.engineUnavailable("")) {
            _ = try await OCREnginePool.start(configuration: configuration)
        }
    }

    @Test("the data path comes from TESSDATA_PREFIX, else the Debian location")
    func dataPath() {
        #expect(OCRConfiguration.defaultDataPath(environment: ["TESSDATA_PREFIX": "/opt/td"]) == "/opt/td")
        let found = OCRConfiguration.defaultDataPath(environment: [:])
        #expect(found.map { FileManager.default.fileExists(atPath: "\($0)/kor.traineddata") } == true)
    }
}
