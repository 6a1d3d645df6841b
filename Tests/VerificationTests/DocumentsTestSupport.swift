import Foundation
import JobEngine
import Logging
import OCR
import RedisClient
import TestSupport
import Testing

@testable import Verification

/// Pages, a shared OCR pool and a fixture source loader for the review_document suites.
enum DocumentsTestEnv {
    static let pool = SharedPool()

    static let employment = """
        재 직 증 명 서
        성명: 홍길동
        주민등록번호: 900101-1234567
        회사명: 주식회사 블루프린트
        부서: 플랫폼개발팀
        입사일: 2020년 3월 2일
        발급번호: 2024-0115
        위와 같이 재직하고 있음을 증명합니다.
        2024년 1월 15일
        """

    static let degree = """
        졸 업 증 명 서
        성명: 김철수
        생년월일: 1995년 5월 20일
        학교명: 한국대학교
        전공: 컴퓨터공학
        학위: 공학사
        졸업일자: 2019년 2월 22일
        2024년 3월 4일
        """

    static let business = """
        사 업 자 등 록 증
        등록번호: 124-81-00998
        상호: 블루프린트 주식회사
        대표자: 이영희
        개업연월일: 2015년 6월 1일
        사업장 소재지: 서울특별시 강남구 테헤란로 123
        2020년 5월 6일
        """

    /// Sources the tests name: `file:<path>` (an image file), `bytes:<path>` (its bytes),
    /// `pdf:<path>` (a 2-page PDF whose pages render as that image), `pdf-unrenderable` (a PDF
    /// with no renderer), `unreachable` (the loader fails).
    static let loader: DocumentReviewService.SourceLoader = { source, _ in
        if source.hasPrefix("file:") { return .imageFile(String(source.dropFirst(5))) }
        if source.hasPrefix("bytes:") {
            return .image(try Data(contentsOf: URL(fileURLWithPath: String(source.dropFirst(6)))))
        }
        if source.hasPrefix("pdf:") {
            let path = String(source.dropFirst(4))
            return .pdf(pageCount: 2) { index in
                index == 0
                    ? .file(path: path) : .gray(width: 300, height: 200, bytes: Data(repeating: 255, count: 60_000))
            }
        }
        if source == "pdf-unrenderable" { return .pdf(pageCount: 3, render: nil) }
        throw TestFailure("source unreachable")
    }

    static func service() async throws -> DocumentReviewService {
        var service = DocumentReviewService(ocr: try await Self.pool.get(), source: Self.loader)
        service.now = { Date(timeIntervalSince1970: 1_750_000_000) }  // June 2025
        return service
    }

    static let quietLogger: Logger = {
        var logger = Logger(label: "documents-test")
        logger.logLevel = .critical
        return logger
    }()
}

/// One OCR pool for the test process, started on first use.
actor SharedPool {
    private var pool: OCREnginePool?

    func get() async throws -> OCREnginePool {
        if let pool { return pool }
        var configuration = OCRConfiguration()
        configuration.engines = 2
        let started = try await OCREnginePool.start(configuration: configuration)
        self.pool = started
        return started
    }
}

/// An engine consuming one private queue with `registry`, stopped at the end of `body`.
func withDocumentsEngine<T: Sendable>(
    queue: String, registry: JobRegistry, client: RedisClient, _ body: () async throws -> T
) async throws -> T {
    var configuration = EngineConfiguration(
        workerID: "w-\(UUID().uuidString.prefix(6))",
        queues: [QueueConfiguration(keys: QueueKeys(queue: queue, group: "g"), concurrency: 4)])
    configuration.blockTime = .milliseconds(100)
    configuration.heartbeatInterval = .milliseconds(300)
    configuration.reclaimInterval = .milliseconds(200)
    configuration.schedulerInterval = .milliseconds(20)
    configuration.shutdownGracePeriod = .seconds(5)
    let engine = JobEngine(
        configuration: configuration, registry: registry, client: client, logger: DocumentsTestEnv.quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await engine.run() }
        do {
            let result = try await body()
            engine.stop()
            try await group.waitForAll()
            return result
        } catch {
            engine.stop()
            try? await group.waitForAll()
            throw error
        }
    }
}
