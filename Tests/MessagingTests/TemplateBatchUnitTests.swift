import Foundation
import JobEngine
@testable import Messaging
@testable import SMTPClient
import SMTPProtocol
import TestSupport
import Testing

/// The pure parts of template batches: compiled templates, the batch renderer, the reading of
/// pipelined envelope replies, how a batch is cut into sessions.
@Suite struct TemplateBatchUnitTests {
    static let templates = try! MessageTemplates(templates: BuiltInTemplates.all)
    static let from = try! MailAddress("noreply@blueprint-test.example", displayName: "블루프린트")

    /// Values a recipient could send: markup, quotes, placeholders of our own, CR/LF, long text.
    static let hostileValues = [
        "김<철수>", "Tom & \"Jerry\" 'x'", "\u{E000}0\u{E001}", "\u{E000}", "a\u{E001}b", "{{name}}", "{{{code}}}",
        "line\r\nBcc: v@example.com",
        String(repeating: "가", count: 5000), "  padded  ", "😀 emoji", "\u{0}nul",
    ]

    // MARK: - Compiled template parts

    @Test func placeholdersSplitAndFillInOnePass() throws {
        let part = try #require(
            CompiledTemplatePart(
                rendered: "Hi \u{E000}0\u{E001}, code \u{E000}1\u{E001}!", names: ["name", "code"], escapesHTML: true))
        #expect(part.segments == [.text("Hi "), .variable("name"), .text(", code "), .variable("code"), .text("!")])
        #expect(
            part.fill(["name": "<b>", "code": "\u{E000}1\u{E001}"]) == "Hi &lt;b&gt;, code \u{E000}1\u{E001}!",
            "a value is never expanded again")
        #expect(part.fill([:]) == "Hi , code !")
        let text = try #require(CompiledTemplatePart(rendered: "\u{E000}0\u{E001}", names: ["x"], escapesHTML: false))
        #expect(text.fill(["x": "<&>"]) == "<&>")
    }

    @Test func malformedPlaceholdersAreRefused() {
        for rendered in [
            "\u{E000}", "\u{E000}0", "\u{E000}x\u{E001}", "\u{E000}9\u{E001}", "\u{E001}", "a\u{E000}-1\u{E001}",
            "\u{E000}\u{E001}",
        ] {
            #expect(
                CompiledTemplatePart(rendered: rendered, names: ["a"], escapesHTML: false) == nil,
                "\(rendered.unicodeScalars.map(\.value))")
        }
    }

    @Test func onlyPlainTagsCompile() {
        #expect(
            CompiledTemplatePart.variableNames(
                "Hi {{name}} {{#a}}x{{/a}}{{^ b }}y{{/ b }}{{! note }}", escapesHTML: true) == ["name", "a", "b"])
        #expect(CompiledTemplatePart.variableNames("{{{raw}}} {{&raw2}}", escapesHTML: false) == ["raw", "raw2"])
        for source in [
            "{{{raw}}}", "{{&raw}}",  // unescaped in HTML
        ] {
            #expect(CompiledTemplatePart.variableNames(source, escapesHTML: true) == nil, "\(source)")
        }
        for source in [
            "{{user.name}}", "{{uppercased(name)}}", "{{> partial}}", "{{=<% %>=}}", "{{%CONTENT_TYPE:HTML}}", "{{.}}",
            "{{name",
            "text \u{E000}0\u{E001}", "{{$block}}{{/block}}", "{{<parent}}{{/parent}}", "{{}}",
        ] {
            #expect(CompiledTemplatePart.variableNames(source, escapesHTML: false) == nil, "\(source)")
        }
    }

    @Test func htmlEscapeMatchesTheTemplateEngine() throws {
        let templates = try MessageTemplates(templates: ["en/t.subject": "s", "en/t.text": "t", "en/t.html": "{{v}}"])
        for value in Self.hostileValues + ["<>&\"'", "plain"] {
            let engine = try templates.render("t", locale: "en", part: "html", vars: ["v": .string(value)])
            #expect(CompiledTemplatePart.htmlEscape(value) == engine)
        }
    }

    // MARK: - The batch renderer

    /// Every built-in template, with ordinary and hostile values, renders exactly as the template
    /// engine renders it for one message.
    @Test func batchRenderingEqualsFullRenderingForEveryBuiltInTemplate() throws {
        let renderer = TemplateBatchRenderer(templates: Self.templates, from: Self.from)
        let keys = BuiltInTemplates.all.keys.filter { $0.hasSuffix(".subject") }
        var checked = 0
        for key in keys {
            let locale = String(key.prefix(while: { $0 != "/" }))
            let name = String(key.dropFirst(locale.count + 1).dropLast(".subject".count))
            var names: Set<String> = []
            for part in TemplateBatchRenderer.parts {
                if let source = BuiltInTemplates.all["\(locale)/\(name).\(part)"] {
                    names.formUnion(MessageTemplates.topLevelVariables(source))
                }
                if let source = BuiltInTemplates.all["\(locale)/\(name).\(part)"],
                    let used = CompiledTemplatePart.variableNames(source, escapesHTML: part == "html")
                {
                    names.formUnion(used)
                }
            }
            // Three mails per value set: all given, optional ones absent, optional ones blank.
            var mails: [TemplatedMail] = []
            for value in Self.hostileValues + ["보통 값", "42"] {
                let all = Dictionary(uniqueKeysWithValues: names.map { ($0, TemplateValue.string(value + "-" + $0)) })
                let required = Dictionary(
                    uniqueKeysWithValues: names.filter { n in
                        TemplateBatchRenderer.parts.contains {
                            Self.templates.requiredVariables(key: "\(locale)/\(name).\($0)")?.contains(n) == true
                        }
                    }.map { ($0, TemplateValue.string(value)) })
                var blanks = required
                for n in names where required[n] == nil { blanks[n] = .string("  ") }
                for vars in [all, required, blanks] {
                    mails.append(
                        TemplatedMail(
                            to: try MailAddress("r@blueprint-test.example"), template: name, locale: locale, vars: vars)
                    )
                }
            }
            let batch = renderer.render(mails, date: 1_795_741_200)
            #expect(batch.renders <= 3, "\(key): one rendering per shape, not per mail (\(batch.renders))")
            for (mail, result) in zip(mails, batch.messages) {
                let expected = Result { () throws(JobError) in try renderer.renderInFull(mail, date: 1_795_741_200) }
                switch (result, expected) {
                case (.success(let got), .success(let want)):
                    #expect(
                        got.subject == want.subject && got.text == want.text && got.html == want.html,
                        "\(key) \(mail.vars)")
                    checked += 1
                case (.failure(let got), .failure(let want)):
                    #expect(got == want)
                default:
                    Issue.record("\(key): batch and full rendering disagree: \(result) vs \(expected)")
                }
            }
        }
        #expect(checked > 100)
    }

    @Test func oneRenderingPerTemplateAndLocaleForABatchOfMany() throws {
        let renderer = TemplateBatchRenderer(templates: Self.templates, from: Self.from)
        var mails: [TemplatedMail] = []
        for index in 0..<500 {
            mails.append(
                TemplatedMail(
                    to: try MailAddress("u\(index)@blueprint-test.example"), template: "project_update",
                    locale: index % 2 == 0 ? "ko" : "en",
                    vars: [
                        "name": .string("사용자 \(index)"), "project_name": .string("P\(index)"),
                        "update": .string("u & \(index)"),
                    ]))
        }
        let batch = renderer.render(mails, date: 0)
        #expect(batch.renders == 2)
        let third = try batch.messages[3].get()
        #expect(
            third.text.contains("사용자 3") && third.html?.contains("u &amp; 3") == true && third.subject.contains("P3"))
    }

    @Test func valuesThatCannotBeCompiledAreRenderedInFullAndBadMailsFailAlone() throws {
        let renderer = TemplateBatchRenderer(templates: Self.templates, from: Self.from)
        let to = try MailAddress("x@blueprint-test.example")
        let vars: [String: TemplateValue] = [
            "name": .string("a"), "project_name": .string("p"), "update": .string("u"),
        ]
        var number = vars
        number["update"] = .int(7)
        var nested = vars
        nested["name"] = .object(["first": .string("x")])
        var missing = vars
        missing["update"] = nil
        let mails = [
            TemplatedMail(to: to, template: "project_update", locale: "en", vars: vars),
            TemplatedMail(to: to, template: "project_update", locale: "en", vars: number),
            TemplatedMail(to: to, template: "project_update", locale: "en", vars: nested),
            TemplatedMail(to: to, template: "project_update", locale: "en", vars: missing),
            TemplatedMail(to: to, template: "no_such", locale: "en", vars: vars),
            TemplatedMail(to: to, template: "bad/../name", locale: "en", vars: vars),
        ]
        let batch = renderer.render(mails, date: 0)
        #expect(try batch.messages[0].get().text.contains("u"))
        #expect(try batch.messages[1].get().text.contains("7"), "a number is rendered by the template engine")
        #expect(throws: JobError.self) { try batch.messages[3].get() }
        #expect(throws: JobError.self) { try batch.messages[4].get() }
        #expect(throws: JobError.self) { try batch.messages[5].get() }
        if case .failure(let error) = batch.messages[3] {
            #expect(error.message.contains("needs variable(s) 'update'"))
        }
        _ = batch.messages[2]  // rendered or refused, never a crash
    }

    // MARK: - Envelope replies

    static func reply(_ code: Int) -> SMTPReply { SMTPReply(code: code, lines: ["x"]) }

    @Test func envelopeRepliesAccepted() {
        let replies = [250, 250, 250, 550, 250, 354].map(Self.reply)  // RSET, MAIL, 3 RCPT, DATA
        guard
            case .sendData(let accepted, let refused) = SMTPEnvelopeReplies.interpret(
                replies, recipients: ["a", "b", "c"], reset: true)
        else {
            Issue.record("expected data")
            return
        }
        #expect(accepted == ["a", "c"])
        #expect(refused.map(\.recipient) == ["b"])
    }

    @Test func envelopeRepliesRefused() {
        let cases: [([Int], Bool, Int, Bool)] = [
            // replies, reset, the reply code reported, must end data
            ([550, 503, 503], false, 550, false),  // MAIL refused
            ([250, 550, 354], false, 550, true),  // every RCPT refused but DATA opened
            ([250, 451, 554], false, 451, false),
            ([250, 250, 451], false, 451, false),  // DATA refused
            ([421, 503, 503, 503], true, 421, false),  // RSET refused
            ([250, 250], false, 0, false),  // truncated: no DATA reply
            ([], false, 0, false),
            ([250], true, 0, false),
        ]
        for (codes, reset, code, mustEnd) in cases {
            guard
                case .failed(let error, let mustEndData) = SMTPEnvelopeReplies.interpret(
                    codes.map(Self.reply), recipients: ["a"], reset: reset)
            else {
                Issue.record("\(codes): expected a failure")
                continue
            }
            #expect((error.reply?.code ?? 0) == code, "\(codes)")
            #expect(mustEndData == mustEnd, "\(codes)")
        }
    }

    @Test func envelopeCommands() {
        #expect(
            SMTPEnvelopeReplies.commands(sender: "s", recipients: ["a", "b"], parameters: ["SIZE=1"], reset: true)
                == [
                    .rset, .mailFrom("s", parameters: ["SIZE=1"]), .rcptTo("a", parameters: []),
                    .rcptTo("b", parameters: []), .data,
                ])
    }

    // MARK: - Sessions of a batch

    @Test func batchSlices() {
        #expect(SMTPClient.slices(count: 0, sessions: 4, minimumPerSession: 8) == [])
        #expect(SMTPClient.slices(count: 5, sessions: 4, minimumPerSession: 8) == [0..<5])
        #expect(SMTPClient.slices(count: 50, sessions: 4, minimumPerSession: 8) == [0..<13, 13..<26, 26..<38, 38..<50])
        #expect(SMTPClient.slices(count: 17, sessions: 4, minimumPerSession: 8) == [0..<9, 9..<17])
        #expect(SMTPClient.slices(count: 3, sessions: 0, minimumPerSession: 0) == [0..<3])
        for count in 1..<200 {
            let slices = SMTPClient.slices(count: count, sessions: 4, minimumPerSession: 8)
            #expect(slices.first?.lowerBound == 0 && slices.last?.upperBound == count && slices.count <= 4)
        }
    }
}
