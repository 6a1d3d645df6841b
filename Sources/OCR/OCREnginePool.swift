import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SpanSupport
import Tracing
import ServiceLifecycle

/// A fixed set of ``OCREngine``s, one per core, each used by one dedicated thread.
///
/// Recognition is CPU-bound and blocking, so it never runs on the cooperative pool or an event
/// loop: every call goes to an `NIOThreadPool` with as many threads as engines, and a thread
/// checks an engine out for the duration of one page. At most `engines` pages are recognised
/// at once; further calls wait for a free thread. Engines are loaded once, when the pool starts.
///
/// Debian's libtesseract is built with OpenMP, whose parallel LSTM loops would add threads of
/// their own to every engine: run the worker with `OMP_THREAD_LIMIT=1` (read by libgomp when the
/// process starts) so that the pool's threads are the whole OCR load.
///
/// Run it as a `Service` (``run()`` shuts it down on graceful shutdown) or scope it with
/// ``withPool(configuration:_:)``.
public final class OCREnginePool: Sendable, Service {
    private let threads: NIOThreadPool
    private let idle: NIOLockedValueBox<[OCREngine]>
    /// Whether a missing engine is loaded (a lazy pool that is not shut down).
    private let lazyLoading: NIOLockedValueBox<Bool>
    /// How many pages can be recognised at once.
    public let size: Int
    public let configuration: OCRConfiguration

    private init(threads: NIOThreadPool, engines: [OCREngine], configuration: OCRConfiguration, size: Int? = nil) {
        self.threads = threads
        self.idle = NIOLockedValueBox(engines)
        self.lazyLoading = NIOLockedValueBox(size != nil)
        self.size = size ?? engines.count
        self.configuration = configuration
    }

    /// Starts `configuration.engines` threads (default: one per core) and loads one engine on each.
    public static func start(configuration: OCRConfiguration = OCRConfiguration()) async throws(OCRError)
        -> OCREnginePool
    {
        let count = max(1, configuration.engines ?? System.coreCount)
        let threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
        do {
            // Loading takes a while per engine: load them in parallel on the pool's own threads.
            let engines = try await withThrowingTaskGroup(of: OCREngine.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        try await threads.runIfActive { () throws(OCRError) -> OCREngine in
                            try OCREngine(configuration: configuration)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            return OCREnginePool(threads: threads, engines: engines, configuration: configuration)
        } catch {
            try? await threads.shutdownGracefully()
            throw (error as? OCRError) ?? .engineUnavailable("the OCR threads could not start")
        }
    }

    /// A pool whose engines load on first use, on the pool's threads (at most one per thread), so
    /// building a worker that never reviews a document costs no model load. Checks now that the
    /// traineddata of every language is there.
    public static func lazy(configuration: OCRConfiguration = OCRConfiguration()) throws(OCRError) -> OCREnginePool {
        var configuration = configuration
        guard let dataPath = configuration.dataPath ?? OCRConfiguration.defaultDataPath(languages: configuration.languages) else {
            throw .engineUnavailable("no tessdata directory with \(configuration.languages) (set TESSDATA_PREFIX)")
        }
        for language in configuration.languages.split(separator: "+")
        where !FileManager.default.fileExists(atPath: "\(dataPath)/\(language).traineddata") {
            throw .engineUnavailable("\(language).traineddata is missing from the tessdata directory")
        }
        configuration.dataPath = dataPath
        let count = max(1, configuration.engines ?? System.coreCount)
        let threads = NIOThreadPool(numberOfThreads: count)
        threads.start()
        return OCREnginePool(threads: threads, engines: [], configuration: configuration, size: count)
    }

    /// A pool for the duration of `body`, shut down afterwards whatever happens.
    @discardableResult
    public static func withPool<T: Sendable>(
        configuration: OCRConfiguration = OCRConfiguration(), _ body: (OCREnginePool) async throws -> T
    ) async throws -> T {
        let pool = try await Self.start(configuration: configuration)
        let result: Result<T, any Error>
        do { result = .success(try await body(pool)) } catch { result = .failure(error) }
        await pool.shutdown()
        return try result.get()
    }

    /// Recognises one page on a free engine (waits for one when all are busy).
    ///
    /// Cancelling the calling task does not interrupt a page already being recognised.
    ///
    /// One span `ocr page` per call (a child of the caller's span; nothing recorded when no tracer
    /// is bootstrapped): the page's size and mean confidence, never its text.
    public func recognize(image: OCRImage, includeWords: Bool = false) async throws(OCRError) -> OCRPage {
        try await withInternalSpan("ocr page") { (span) throws(OCRError) -> OCRPage in
            let page = try await self.recognizeUntraced(image: image, includeWords: includeWords)
            if span.isRecording {
                span.attributes["ocr.width"] = page.width
                span.attributes["ocr.height"] = page.height
                span.attributes["ocr.mean_confidence"] = page.meanConfidence
            }
            return page
        }
    }

    private func recognizeUntraced(image: OCRImage, includeWords: Bool) async throws(OCRError) -> OCRPage {
        let idle = self.idle
        do {
            return try await self.threads.runIfActive { () throws(OCRError) -> OCRPage in
                // As many threads as engines: a running closure always finds one, or (a lazy pool)
                // loads the one of its thread.
                let engine: OCREngine
                if let free = idle.withLockedValue({ $0.popLast() }) {
                    engine = free
                } else if self.lazyLoading.withLockedValue({ $0 }) {
                    engine = try OCREngine(configuration: self.configuration)
                } else {
                    throw .shutDown
                }
                defer { idle.withLockedValue { $0.append(engine) } }
                return try engine.recognize(image, includeWords: includeWords)
            }
        } catch let error as OCRError {
            throw error
        } catch {
            throw .shutDown
        }
    }

    /// Waits for running pages, stops the threads and releases the engines.
    public func shutdown() async {
        self.lazyLoading.withLockedValue { $0 = false }
        try? await self.threads.shutdownGracefully()
        self.idle.withLockedValue { $0.removeAll() }
    }

    /// Keeps the pool until graceful shutdown, then shuts it down.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.shutdown()
    }
}
