import Foundation

/// One template part rendered once, with a placeholder where each variable's value goes, and
/// filled per message by plain substitution: how a batch of messages of one template costs one
/// Mustache rendering instead of one per message.
///
/// Only templates whose tags are all plain names (`{{name}}`, `{{#name}}`, `{{^name}}`,
/// `{{/name}}`, comments, and in text parts `{{&name}}`/`{{{name}}}`) are compiled: no dotted
/// names, transforms, partials, pragmas or delimiter changes, whose output a placeholder could
/// not stand for. ``MessageTemplates`` falls back to a full rendering for the others, and for
/// values other than strings and booleans (a list or object drives sections, a number's format is
/// the template engine's business).
///
/// A placeholder is `U+E000 <index> U+E001` (private-use characters, which HTML escaping leaves
/// alone). Substitution is one pass over the segments, so a value that itself contains
/// placeholder characters is copied as is, never expanded.
struct CompiledTemplatePart: Sendable, Equatable {
    /// Literal output, or where a variable's value goes.
    enum Segment: Sendable, Equatable {
        case text(String)
        case variable(String)
    }

    /// The rendering, split at the placeholders.
    let segments: [Segment]
    /// Whether values are HTML-escaped when filled in (the `html` part).
    let escapesHTML: Bool

    static let open: Character = "\u{E000}"
    static let close: Character = "\u{E001}"

    /// The placeholder of the variable at `index` of the sorted names.
    static func placeholder(_ index: Int) -> String { "\(Self.open)\(index)\(Self.close)" }

    /// Splits `rendered` (a rendering made with ``placeholder(_:)`` values for `names`); `nil` when a
    /// placeholder is malformed or names no variable (the template itself contained the characters).
    init?(rendered: String, names: [String], escapesHTML: Bool) {
        var segments: [Segment] = []
        var text = ""
        var rest = Substring(rendered)
        while let start = rest.firstIndex(of: Self.open) {
            text += rest[..<start]
            let afterOpen = rest.index(after: start)
            guard let end = rest[afterOpen...].firstIndex(of: Self.close), let index = Int(rest[afterOpen..<end]),
                names.indices.contains(index)
            else {
                return nil
            }
            if !text.isEmpty { segments.append(.text(text)) }
            text = ""
            segments.append(.variable(names[index]))
            rest = rest[rest.index(after: end)...]
        }
        if rest.contains(Self.close) { return nil }
        text += rest
        if !text.isEmpty { segments.append(.text(text)) }
        self.segments = segments
        self.escapesHTML = escapesHTML
    }

    /// The part with `values` filled in (a variable without a value writes nothing).
    func fill(_ values: [String: String]) -> String {
        var output = ""
        for segment in self.segments {
            switch segment {
            case .text(let text): output += text
            case .variable(let name):
                let value = values[name] ?? ""
                output += self.escapesHTML ? Self.htmlEscape(value) : value
            }
        }
        return output
    }

    /// The escaping Mustache applies to `{{name}}` in HTML (swift-mustache: `< > & " '`).
    static func htmlEscape(_ value: String) -> String {
        guard value.contains(where: { "<>&\"'".contains($0) }) else { return value }
        var output = ""
        output.reserveCapacity(value.utf8.count + 16)
        for character in value {
            switch character {
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "&": output += "&amp;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.append(character)
            }
        }
        return output
    }

    /// Every variable name the tags of `source` use, or `nil` when a tag is anything else than a
    /// plain name (or, in an escaping part, an unescaped variable) or the source contains
    /// placeholder characters: such a template is rendered in full for every message.
    static func variableNames(_ source: String, escapesHTML: Bool) -> Set<String>? {
        if source.contains(Self.open) || source.contains(Self.close) { return nil }
        var names: Set<String> = []
        var rest = Substring(source)
        while let openRange = rest.range(of: "{{") {
            rest = rest[openRange.upperBound...]
            let triple = rest.hasPrefix("{")
            if triple { rest = rest.dropFirst() }
            guard let closeRange = rest.range(of: triple ? "}}}" : "}}") else { return nil }
            var tag = Substring(rest[..<closeRange.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[closeRange.upperBound...]
            if tag.hasPrefix("!") { continue }
            var unescaped = triple
            if let sigil = tag.first, "#^/&".contains(sigil) {
                if sigil == "&" { unescaped = true }
                tag = tag.dropFirst().drop(while: { $0 == " " })
            }
            if unescaped, escapesHTML { return nil }
            guard MessageTemplates.isValidName(String(tag)) else { return nil }
            names.insert(String(tag))
        }
        return names
    }
}
