import JobEngine

extension MessageTemplates {
    /// What decides a compiled rendering of `name` in `locale` for `vars`: the template, and for
    /// each variable its tags use whether it is absent (or blank), a string, `true` or `false`.
    /// Messages with the same shape share one compiled rendering. `nil` when a part cannot be
    /// compiled or a used variable is a number, list or object (rendered in full instead).
    func compiledShape(_ name: String, locale: String, parts: [String], vars: [String: TemplateValue]) -> String? {
        var names: Set<String> = []
        for part in parts {
            let key = "\(locale)/\(name).\(part)"
            guard self.requiredVariables(key: key) != nil else { continue }
            guard let used = self.placeholderNames[key] else { return nil }
            names.formUnion(used)
        }
        var shape = "\(locale)/\(name)"
        for variable in names.sorted() {
            let value = vars[variable]
            let kind: String
            switch value {
            case .none, .some(.null): kind = "-"
            case .some(.string(let text)): kind = text.allSatisfy(\.isWhitespace) ? "-" : "s"
            case .some(.bool(let flag)): kind = flag ? "t" : "f"
            default: return nil
            }
            shape += "|\(variable)=\(kind)"
        }
        return shape
    }

    /// Renders `part` of `name` once with a placeholder for each string variable of `vars`
    /// (booleans as themselves); `nil` when the template has no such part. Refuses what
    /// ``render(_:locale:part:vars:)`` refuses (a missing required variable).
    func compile(_ name: String, locale: String, part: String, vars: [String: TemplateValue]) throws(JobError)
        -> CompiledTemplatePart?
    {
        guard Self.isValidName(name) else { throw .permanent("invalid template name (letters, digits and _ only)") }
        let key = "\(locale)/\(name).\(part)"
        guard let needed = self.requiredVariables(key: key) else { return nil }
        guard let used = self.placeholderNames[key] else {
            throw .permanent("template '\(name)' cannot be rendered once for a batch")
        }
        let given = vars.filter { !$0.value.isBlank }
        try Self.checkRequired(needed, given: given, name: name, locale: locale)
        let names = used.sorted()
        var values: [String: Any] = [:]
        for (index, variable) in names.enumerated() {
            switch given[variable] {
            case .some(.string): values[variable] = CompiledTemplatePart.placeholder(index)
            case .some(.bool(let flag)): values[variable] = flag
            case .none: break
            default: throw .permanent("template '\(name)' cannot be rendered once for a batch")
            }
        }
        guard let output = self.library.render(values, withTemplate: key),
            let compiled = CompiledTemplatePart(
                rendered: output, names: names, escapesHTML: !Self.textParts.contains(part))
        else {
            throw .permanent("template '\(name)' could not be rendered")
        }
        return compiled
    }
}
