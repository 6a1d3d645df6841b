import Foundation
import JobEngine
import Mustache

/// Mustache templates for mail and SMS, parsed once at start-up and shared read-only.
///
/// A template is addressed by locale, name and part: `ko/verification_code_signup.subject`,
/// `en/trade_completed.html`, `ko/verification_code.sms`. Parts `subject`, `text` and `sms` render
/// as plain text; `html` escapes every `{{variable}}` for HTML (`{{{raw}}}` is never used by ours).
/// Rendering refuses, as a permanent error, a template that does not exist and a top-level
/// variable the job did not supply (Mustache itself would render it as an empty string).
///
/// A variable used only inside sections is optional. A template makes one optional with a
/// section on the variable itself and an inverted section that says what to write without it:
///
///     {{#name}}Hello {{name}},{{/name}}{{^name}}Hello,{{/name}}
///
/// A variable that is absent, `null` or blank (empty or only whitespace) counts as not given:
/// `{{#name}}` skips, `{{^name}}` renders, and a required variable is reported missing.
public struct MessageTemplates: Sendable {
    /// Parts that are plain text (no HTML escaping).
    static let textParts: Set<String> = ["subject", "text", "sms"]
    /// Locales the built-in templates are written in.
    public static let locales: Set<String> = ["ko", "en"]

    let library: MustacheLibrary
    /// Template key -> top-level variable names it needs.
    private let required: [String: Set<String>]
    /// Template key -> every variable name its tags use, for the keys that can be rendered once
    /// with placeholders and filled per message (see ``CompiledTemplatePart``); absent otherwise.
    let placeholderNames: [String: Set<String>]

    /// Parses `templates` (key -> Mustache source, keys like `ko/welcome.subject`) and, if given,
    /// every `*.mustache` file under `directory` (same key scheme; files win over built-ins).
    public init(templates: [String: String], directory: String? = nil) throws {
        var sources = templates
        if let directory {
            let root = URL(fileURLWithPath: directory)
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
                throw JobError.permanent("templates directory cannot be read")
            }
            for case let file as URL in files where file.pathExtension == "mustache" {
                let relative = file.path.dropFirst(root.path.count).drop(while: { $0 == "/" })
                sources[String(relative.dropLast(".mustache".count))] = try String(contentsOf: file, encoding: .utf8)
            }
        }
        var library = MustacheLibrary()
        var required: [String: Set<String>] = [:]
        var placeholderNames: [String: Set<String>] = [:]
        for (key, source) in sources {
            let part = key.split(separator: ".").last.map(String.init) ?? ""
            let prefixed = Self.textParts.contains(part) ? "{{%CONTENT_TYPE:TEXT}}" + source : source
            try library.register(prefixed, named: key)
            required[key] = Self.topLevelVariables(source)
            placeholderNames[key] = CompiledTemplatePart.variableNames(source, escapesHTML: !Self.textParts.contains(part))
        }
        self.library = library
        self.required = required
        self.placeholderNames = placeholderNames
    }

    /// Whether `name` exists for `locale` with `part`.
    public func contains(_ name: String, locale: String, part: String) -> Bool {
        self.required["\(locale)/\(name).\(part)"] != nil
    }

    /// Renders one part; `nil` when the template has no such part (e.g. no `html`).
    public func render(_ name: String, locale: String, part: String, vars: [String: TemplateValue]) throws(JobError) -> String? {
        guard Self.isValidName(name) else { throw .permanent("invalid template name (letters, digits and _ only)") }
        let key = "\(locale)/\(name).\(part)"
        guard let needed = self.required[key] else { return nil }
        let given = vars.filter { !$0.value.isBlank }
        try Self.checkRequired(needed, given: given, name: name, locale: locale)
        guard let output = self.library.render(given.mapValues(\.renderable), withTemplate: key) else {
            throw .permanent("template '\(name)' could not be rendered")
        }
        return output
    }

    /// Refuses, as a permanent error, a `given` that lacks a variable of `needed`.
    static func checkRequired(_ needed: Set<String>, given: [String: TemplateValue], name: String, locale: String) throws(JobError) {
        let missing = needed.filter { given[$0] == nil }.sorted()
        if !missing.isEmpty {
            throw .permanent("template '\(name)' (\(locale)) needs variable(s) \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }
    }

    /// The variables `key` needs (`nil`: no such template part).
    func requiredVariables(key: String) -> Set<String>? { self.required[key] }

    /// Template names: letters, digits and underscores, 1 to 64 characters.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || ($0 >= 0x41 && $0 <= 0x5A) }
    }

    /// Names of `{{name}}`, `{{{name}}}` and `{{&name}}` outside any section: the
    /// variables a job must supply. Names inside sections belong to the section's context.
    static func topLevelVariables(_ source: String) -> Set<String> {
        var names: Set<String> = []
        var depth = 0
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            let triple = rest.hasPrefix("{")
            if triple { rest = rest.dropFirst() }
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            rest = rest[close.upperBound...]
            if triple, rest.hasPrefix("}") { rest = rest.dropFirst() }
            guard let sigil = tag.first else { continue }
            switch sigil {
            case "!", "%", ">", "<", "$", "=": continue
            case "/": depth = max(0, depth - 1)
            case "#", "^":
                // A section's name is optional: missing means "false", so it is not required.
                depth += 1
            case "&":
                tag.removeFirst()
                if depth == 0 { names.insert(Self.root(tag)) }
            default:
                if depth == 0, tag != "." { names.insert(Self.root(tag)) }
            }
        }
        return names
    }

    private static func root(_ tag: String) -> String {
        String(tag.trimmingCharacters(in: .whitespaces).split(separator: ".").first ?? "")
    }
}
