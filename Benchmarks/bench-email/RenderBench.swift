// Template rendering alone, no I/O: BENCH_RENDERS (10,000) mails of one template in two locales,
// rendered per message by the template engine (what an unbatched job does) vs once per locale
// with placeholders and filled per message (TemplateBatchRenderer, what a batch does).
import Foundation
import Messaging
import SMTPProtocol

enum RenderBench {
    /// Prints renders/s of both ways and their ratio.
    static func run(count: Int) throws {
        let templates = try MessageTemplates(templates: BuiltInTemplates.all)
        let from = try MailAddress("noreply@blueprint-bench.example")
        let to = try MailAddress("bench@blueprint-bench.example")
        let mails = (0..<count).map { index in
            TemplatedMail(
                to: to, template: "project_update", locale: index % 2 == 0 ? "ko" : "en",
                vars: [
                    "name": .string("사용자 \(index)"), "project_name": .string("한강 다리"),
                    "update": .string("3층 골조 완료 & 검수 예정 \(index)"),
                ])
        }
        let clock = ContinuousClock()
        var start = clock.now
        var bytes = 0
        for mail in mails {
            for part in ["subject", "text", "html"] {
                bytes +=
                    try templates.render(mail.template, locale: mail.locale, part: part, vars: mail.vars)?.utf8.count
                    ?? 0
            }
        }
        let perMessage = seconds(start.duration(to: clock.now))
        start = clock.now
        let batch = TemplateBatchRenderer(templates: templates, from: from).render(mails, date: 0)
        let batched = seconds(start.duration(to: clock.now))
        let failed = batch.messages.filter { (try? $0.get()) == nil }.count
        guard failed == 0, bytes > 0 else { throw BenchFailure("rendering failed: \(failed)") }
        print(
            "mode=render-per-message mails=\(count) seconds=\(String(format: "%.3f", perMessage)) renders_per_second=\(String(format: "%.0f", Double(count) / perMessage))"
        )
        print(
            "mode=render-once-per-locale mails=\(count) template_renders=\(batch.renders) seconds=\(String(format: "%.3f", batched)) renders_per_second=\(String(format: "%.0f", Double(count) / batched))"
        )
        print("render_once_vs_per_message_ratio=\(String(format: "%.2f", perMessage / batched))")
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
