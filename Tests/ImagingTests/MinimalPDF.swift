/// A small, valid PDF written by hand (catalog, page tree, pages with one content stream each, a
/// correct xref table), so the tests need no PDF writer.
enum MinimalPDF {
    /// `pages` pages of `width` x `height` points (1/72 inch); page i has a black square of 40 pt at
    /// (20 + 10 i, 20) from the bottom-left corner.
    static func make(pages: Int, width: Int = 200, height: Int = 100) -> [UInt8] {
        var objects: [String] = []
        // 1: catalog, 2: page tree, then per page: page object, content stream.
        let kids = (0..<pages).map { "\(3 + 2 * $0) 0 R" }.joined(separator: " ")
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>")
        for page in 0..<pages {
            let content = "0 g \(20 + 10 * page) 20 40 40 re f"
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(width) \(height)] /Contents \(4 + 2 * page) 0 R /Resources << >> >>"
            )
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        var out = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(index + 1) 0 obj\n\(body)\nendobj\n".utf8)
        }
        let xrefAt = out.count
        var xref = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            xref += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        xref += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xrefAt)\n%%EOF\n"
        out += Array(xref.utf8)
        return out
    }
}
