/// Plain-text tables for operator commands: left-aligned columns, two spaces apart.
enum TextTable {
    /// The table as lines (header first).
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, value) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], value.count) }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, value in
                i == values.count - 1 ? value : value + String(repeating: " ", count: widths[i] - value.count)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
