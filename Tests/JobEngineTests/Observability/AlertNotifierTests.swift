import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OutboundHTTP
import ServiceLifecycle
import TestSupport
import Testing

@testable import Observability

/// Dead-letter alerts through the shared ``OutboundHTTPClient`` to a Hummingbird fake webhook.
@Suite("AlertNotifier against a fake webhook")
struct AlertNotifierTests {
    /// One post the webhook received.
    struct Post: Sendable {
        let contentType: String?
        let json: String

        var fields: [String: Any] {
            ((try? JSONSerialization.jsonObject(with: Data(self.json.utf8))) as? [String: Any]) ?? [:]
        }
    }

    @Test("a flood of dead letters sends one alert, then one summary when the window ends", .timeLimit(.minutes(1)))
    func floodSendsOneAlertAndOneSummary() async throws {
        let logger = Logger(label: "alert-test", factory: { _ in SwiftLogNoOpLogHandler() })
        let (posts, postsContinuation) = AsyncStream.makeStream(of: Post.self)
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 16)
            var contentType: String?
            for field in request.headers where field.name.canonicalName == "content-type" { contentType = field.value }
            postsContinuation.yield(Post(contentType: contentType, json: String(buffer: body)))
            return .ok
        }
        // The throttle reads this fake wall clock (ms); the test moves it past the window.
        let now = NIOLockedValueBox<Int64>(1_700_000_000_000)
        try await withFakeHTTPServer(router) { port in
            try await withOutboundHTTP { http in
                let notifier = AlertNotifier(
                    url: "http://127.0.0.1:\(port)/hook", worker: "worker-1", interval: .seconds(60), http: http,
                    now: { now.withLockedValue { $0 } }, summaryCheck: .milliseconds(10), logger: logger)
                let group = ServiceGroup(services: [notifier], gracefulShutdownSignals: [], logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    var received = posts.makeAsyncIterator()

                    for index in 0..<50 {
                        notifier.deadLettered(queue: "emails", type: "send_email", error: "SMTP refused #\(index)")
                    }
                    let alert = try #require(await received.next())
                    #expect(alert.contentType == "application/json")
                    #expect(alert.fields["worker"] as? String == "worker-1")
                    #expect(alert.fields["queue"] as? String == "emails")
                    #expect(alert.fields["job_type"] as? String == "send_email")
                    #expect(alert.fields["error"] as? String == "SMTP refused #0")
                    #expect(
                        (alert.fields["text"] as? String)?.hasPrefix(
                            "Blueprint Worker: job dead-lettered on emails (send_email)") == true)

                    now.withLockedValue { $0 += 61_000 }  // the window is over: the summary goes out
                    let summary = try #require(await received.next())
                    #expect(summary.fields["suppressed"] as? Int == 49)
                    #expect((summary.fields["text"] as? String)?.contains("49 more jobs dead-lettered") == true)
                    #expect((summary.fields["text"] as? String)?.contains("SMTP refused #1") == true)

                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
            }
        }
        postsContinuation.finish()
        var rest = 0
        for await _ in posts { rest += 1 }
        #expect(rest == 0, "one alert and one summary, nothing else")
    }
}
