import Foundation
import Logging
import NIOConcurrencyHelpers

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Posts critical errors (dead letters) to a webhook as JSON, rate-limited by ``AlertThrottle``:
/// a flood sends one alert and then one summary per interval, never thousands of requests.
///
/// Body: `{"text": "...", "worker": "...", "queue": "...", "job_type": "...", "error": "...", "suppressed": n}`
/// (Slack-compatible `text`). Errors are the engine's messages, which never contain payloads.
final class AlertNotifier: Sendable {
    private let url: URL
    private let worker: String
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let throttle: NIOLockedValueBox<AlertThrottle>

    init(url: URL, worker: String, interval: Duration, now: @escaping @Sendable () -> Int64, logger: Logger) {
        self.url = url
        self.worker = worker
        self.logger = logger
        self.now = now
        self.throttle = NIOLockedValueBox(AlertThrottle(intervalMilliseconds: interval.milliseconds))
    }

    /// Reports a dead letter (sent now, or counted for the next summary).
    func deadLetter(queue: String, type: String, error: String) {
        let now = self.now()
        let decision = self.throttle.withLockedValue { $0.alert("\(queue) \(type): \(error)", now: now) }
        guard decision == .send else { return }
        self.post([
            "text": "Blueprint Worker: job dead-lettered on \(queue) (\(type)): \(error)",
            "worker": self.worker, "queue": queue, "job_type": type, "error": error,
        ])
    }

    /// Sends the summary of a finished window, if any; called periodically.
    func flushSummary() {
        let now = self.now()
        guard let summary = self.throttle.withLockedValue({ $0.summaryIfDue(now: now) }) else { return }
        self.post([
            "text": "Blueprint Worker: \(summary.count) more jobs dead-lettered; e.g. \(summary.samples.joined(separator: "; "))",
            "worker": self.worker, "suppressed": summary.count,
        ])
    }

    /// Runs the summary timer until cancelled or `isStopping` turns true.
    func run(isStopping: @Sendable () -> Bool) async {
        while !isStopping() && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(500))
            self.flushSummary()
        }
        self.flushSummary()
    }

    private func post(_ body: [String: any Sendable]) {
        guard let data = try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]) else { return }
        var request = URLRequest(url: self.url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = data
        let logger = self.logger
        URLSession.shared.dataTask(with: request) { _, response, error in
            if let error {
                logger.warning("alert webhook failed", metadata: ["error": "\(error.localizedDescription)"])
            } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                logger.warning("alert webhook refused", metadata: ["status": "\(http.statusCode)"])
            }
        }.resume()
    }
}
