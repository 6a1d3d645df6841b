/// Checks on setting names, as they appear as settings file keys and secrets directory file names.
enum SettingName {
    /// `UPPERCASE_WITH_UNDERSCORES` (digits allowed): the form of every environment variable we read.
    static func isValid(_ name: some StringProtocol) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// The name as a problem line may show it: at most 64 characters, control characters as `?`,
    /// so that one problem stays one line.
    static func shown(_ name: some StringProtocol) -> String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.prefix(64).map { $0.properties.generalCategory == .control ? "?" : $0 }))
    }

    /// The declared name `name` was most likely meant to be: the closest by edit distance, if it is
    /// at most 2 edits away and fewer edits than half its length; ties go to the first in sorted order.
    static func closest(to name: String, among declared: some Sequence<String>) -> String? {
        let limit = min(2, (name.count - 1) / 2)
        guard limit > 0 else { return nil }
        var best: (name: String, distance: Int)?
        for candidate in declared.sorted() {
            let distance = Self.editDistance(name, candidate, limit: limit)
            if distance <= limit, distance < (best?.distance ?? .max) { best = (candidate, distance) }
        }
        return best?.name
    }

    /// Levenshtein distance over Unicode scalars; anything above `limit` is returned as `limit + 1`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            // Every later row is at least this row's minimum.
            if current.min()! > limit { return limit + 1 }
            previous = current
        }
        return min(previous[b.count], limit + 1)
    }
}
