import JobEngine
import Messaging
import TestSupport
import Testing

/// Optional template variables fall back to a neutral text; required ones are still refused.
@Suite struct TemplateDefaultsTests {
    let templates: MessageTemplates

    init() throws {
        self.templates = try MessageTemplates(templates: BuiltInTemplates.all)
    }

    /// The README's line: `{"type":"send_email","to":"user@example.com","template":"welcome"}`, no `vars`.
    @Test func welcomeWithoutANameGreetsNeutrally() throws {
        let expected: [String: [String: String]] = [
            "ko": [
                "subject": "블루프린트에 오신 것을 환영합니다",
                "text": "안녕하세요.\n\n블루프린트 가입을 환영합니다.",
                "html": "<p>안녕하세요.</p>",
            ],
            "en": [
                "subject": "Welcome to Blueprint",
                "text": "Hello,\n\nWelcome to Blueprint.",
                "html": "<p>Hello,</p>",
            ],
        ]
        for (locale, parts) in expected {
            for (part, text) in parts {
                let rendered = try #require(try self.templates.render("welcome", locale: locale, part: part, vars: [:]))
                if part == "subject" { #expect(rendered == text, "\(locale) \(part)") } else { #expect(rendered.hasPrefix(text), "\(locale) \(part): \(rendered)") }
                #expect(!rendered.contains("{{") && !rendered.contains("님,") && !rendered.contains(" ,"), "\(locale) \(part): \(rendered)")
            }
        }
    }

    @Test func aGivenNameIsUsed() throws {
        let vars: [String: TemplateValue] = ["name": .string("김민지")]
        #expect(try self.templates.render("welcome", locale: "ko", part: "subject", vars: vars) == "김민지님, 블루프린트에 오신 것을 환영합니다")
        #expect(try self.templates.render("welcome", locale: "ko", part: "text", vars: vars)?.hasPrefix("김민지님, 안녕하세요.\n") == true)
        #expect(try self.templates.render("welcome", locale: "en", part: "subject", vars: ["name": .string("Minji")]) == "Welcome to Blueprint, Minji")
        #expect(try self.templates.render("welcome", locale: "en", part: "text", vars: ["name": .string("Minji")])?.hasPrefix("Hello Minji,\n") == true)
        // Still escaped for HTML inside the section.
        #expect(try self.templates.render("welcome", locale: "en", part: "html", vars: ["name": .string("<b>")])?.hasPrefix("<p>Hello &lt;b&gt;,</p>") == true)
    }

    @Test(arguments: [TemplateValue.null, .string(""), .string("  "), .bool(false)])
    func aNullBlankOrFalseNameCountsAsNotGiven(_ name: TemplateValue) throws {
        #expect(try self.templates.render("welcome", locale: "en", part: "text", vars: ["name": name])?.hasPrefix("Hello,\n") == true)
        #expect(try self.templates.render("welcome", locale: "ko", part: "subject", vars: ["name": name]) == "블루프린트에 오신 것을 환영합니다")
    }

    @Test func greetingsOfOtherMailsAreOptionalToo() throws {
        let trade: [String: TemplateValue] = ["item": .string("책상"), "amount": .string("150,000"), "trade_id": .string("T-1")]
        #expect(try self.templates.render("trade_completed", locale: "ko", part: "text", vars: trade)?.hasPrefix("안녕하세요.\n") == true)
        let update: [String: TemplateValue] = ["project_name": .string("Atlas"), "update": .string("v2 is out")]
        #expect(try self.templates.render("project_update", locale: "en", part: "text", vars: update)?.hasPrefix("Hello,\n") == true)
    }

    @Test func requiredVariablesAreStillRefused() {
        #expect(throws: JobError.permanent("template 'trade_completed' (en) needs variable(s) 'amount', 'item', 'trade_id'")) {
            try self.templates.render("trade_completed", locale: "en", part: "text", vars: [:])
        }
        #expect(throws: JobError.permanent("template 'project_update' (ko) needs variable(s) 'project_name', 'update'")) {
            try self.templates.render("project_update", locale: "ko", part: "text", vars: ["name": .string("x")])
        }
        // A blank or null required variable is as missing as an absent one.
        #expect(throws: JobError.permanent("template 'project_update' (en) needs variable(s) 'update'")) {
            try self.templates.render("project_update", locale: "en", part: "text", vars: ["project_name": .string("Atlas"), "update": .string(" \n")])
        }
        #expect(throws: JobError.permanent("template 'verification_code' (ko) needs variable(s) 'code'")) {
            try self.templates.render("verification_code", locale: "ko", part: "sms", vars: ["code": .null])
        }
    }

    @Test func onlyVariablesOutsideSectionsAreRequired() throws {
        let templates = try MessageTemplates(templates: [
            "en/t.text": "{{#who}}Hi {{who}}{{/who}}{{^who}}Hi{{/who}}, {{what}}",
        ])
        #expect(try templates.render("t", locale: "en", part: "text", vars: ["what": .string("x")]) == "Hi, x")
        #expect(try templates.render("t", locale: "en", part: "text", vars: ["what": .string("x"), "who": .string("Kim")]) == "Hi Kim, x")
        #expect(throws: JobError.permanent("template 't' (en) needs variable(s) 'what'")) {
            try templates.render("t", locale: "en", part: "text", vars: ["who": .string("Kim")])
        }
    }
}
