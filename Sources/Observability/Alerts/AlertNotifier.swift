import Foundation
import JobEngine
import Logging
import NIOConcurrencyHelpers
import NIOHTTP1
import OutboundHTTP
import ServiceLifecycle

/// Posts critical errors (dead letters) to a webhook as JSON, rate-limited by ``AlertThrottle``:
/// a flood sends one alert and then one summary per interval, never thousands of requests.
///
/// Body: `{"text": "...", "worker": "...", "queue": "...", "job_type": "...", "error": "...", "suppressed": n}`
/// (Slack-compatible `text`). Errors are the engine's messages, which never contain payloads.
///
/// A `Service` and the engine's ``DeadLetterListener``: the engine hands it dead letters without
/// waiting; ``run()`` posts them through the shared ``OutboundHTTPClient`` and sends the summary
/// of each window. List it before the engine in the `ServiceGroup`, so it stops after the engine
/// has drained and still reports the last dead letters.
public final class AlertNotifier: DeadLetterListener, Service, Sendable {
    private let url: String
    private let worker: String
    private let http: OutboundHTTPClient
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let summaryCheck: Duration
    private let throttle: NIOLockedValueBox<AlertThrottle>
    private let posts: AsyncStream<[String: any Sendable]>
    private let postsContinuation: AsyncStream<[String: any Sendable]>.Continuation

    /// - Parameters:
    ///   - url: the webhook (http or https).
    ///   - interval: at most one alert per interval; the rest are summarised at its end.
    ///   - now: wall-clock ms since the epoch (injected in tests).
    public init(url: String, worker: String, interval: Duration, http: OutboundHTTPClient,
                now: @escaping @Sendable () -> Int64, summaryCheck: Duration = .milliseconds(500), logger: Logger) {
        self.url = url
        self.worker = worker
        self.http = http
        self.logger = logger
        self.now = now
        self.summaryCheck = summaryCheck
        self.throttle = NIOLockedValueBox(AlertThrottle(intervalMilliseconds: interval.milliseconds))
        // Bounded: a webhook that hangs cannot make the queue of alerts grow without end.
        (self.posts, self.postsContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(100))
    }

    /// Reports a dead letter (posted soon, or counted for the next summary). Never blocks.
    public func deadLettered(queue: String, type: String, error: String) {
        let now = self.now()
        let decision = self.throttle.withLockedValue { $0.alert("\(queue) \(type): \(error)", now: now) }
        guard decision == .send else { return }
        self.postsContinuation.yield([
            "text": "Blueprint Worker: job dead-lettered on \(queue) (\(type)): \(error)",
            "worker": self.worker, "queue": queue, "job_type": type, "error": error,
        ])
    }

    /// Queues the summary of a finished window, if any.
    func flushSummary() {
        let now = self.now()
        guard let summary = self.throttle.withLockedValue({ $0.summaryIfDue(now: now) }) else { return }
        self.postsContinuation.yield([
            "text": "Blueprint Worker: \(summary.count) more jobs dead-lettered; e.g. \(summary.samples.joined(separator: "; "))",
            "worker": self.worker, "suppressed": summary.count,
        ])
    }

    /// Posts alerts and summaries until the graceful shutdown; then sends what is left.
    public func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await body in self.posts { await self.post(body) }
            }
            try? await cancelWhenGracefulShutdown {
                while true {
                    try await Task.sleep(for: self.summaryCheck)
                    self.flushSummary()
                }
            }
            self.flushSummary()
            self.postsContinuation.finish()
        }
    }

    private func post(_ body: [String: any Sendable]) async {
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let request = OutboundRequest(method: .POST, url: self.url, headers: headers, body: .init(bytes: data), timeout: .seconds(10))
        do {
            let response = try await self.http.execute(request)
            if !response.isSuccess {
                self.logger.warning("alert webhook refused", metadata: ["status": "\(response.status)"])
            }
        } catch {
            self.logger.warning("alert webhook failed", metadata: ["error": "\(error.message)"])
        }
    }
}
