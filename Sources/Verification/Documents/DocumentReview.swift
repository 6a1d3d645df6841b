/// The result of `review_document`:
/// `{"verdict", "confidence", "kind", "fields": {...}, "matched": {...}, "reasons": [...], "pages"}`.
///
/// `fields` holds what was read (dates as ISO 8601; a resident registration number only ever
/// masked, `900101-1******`). `matched` has `name` / `number` when `expect` gave them. `reasons`
/// are short machine-readable codes (`missing_field:company`, `name_mismatch`, `low_ocr_confidence`).
public struct DocumentReview: Encodable, Sendable, Equatable {
    public var verdict: DocumentVerdict
    /// 0 to 1: OCR confidence (half), required fields found (three tenths) and `expect` values
    /// matched (one fifth), rounded to two decimals.
    public var confidence: Double
    public var kind: DocumentKind
    public var fields: [String: String]
    public var matched: [String: Bool]
    public var reasons: [String]
    /// Pages read.
    public var pages: Int

    public init(
        verdict: DocumentVerdict, confidence: Double, kind: DocumentKind, fields: [String: String],
        matched: [String: Bool], reasons: [String],
        pages: Int
    ) {
        self.verdict = verdict
        self.confidence = confidence
        self.kind = kind
        self.fields = fields
        self.matched = matched
        self.reasons = reasons
        self.pages = pages
    }
}
