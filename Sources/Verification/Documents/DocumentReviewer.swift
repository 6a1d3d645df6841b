/// Turns the OCR text of a document into a ``DocumentReview``. Pure: no I/O, no clock (today's
/// date is given).
///
/// - `rejected`: no text at all; the title of another kind of document; a name or number that
///   clearly differs from `expect` (a name more than one character away, a different valid
///   business number).
/// - `needs_review`: a missing title or required field, an impossible date or check digit, a
///   near-miss name, an `expect` value not found, an issue date in the future, low OCR confidence.
/// - `auto_approved`: none of the above and a confidence of at least ``approvalThreshold``.
public struct DocumentReviewer: Sendable {
    /// One page's text and tesseract's mean confidence (0-100).
    public struct Page: Sendable {
        public var text: String
        public var confidence: Int

        public init(text: String, confidence: Int) {
            self.text = text
            self.confidence = confidence
        }
    }

    /// Below this mean OCR confidence a document always needs review.
    public var minimumOCRConfidence = 70
    /// The least confidence for `auto_approved`.
    public var approvalThreshold = 0.8
    /// Characters of a page's text that are read (a dense A4 page at 300 dpi holds about 5 000);
    /// beyond it the text is noise or hostile, and reading it would only cost time.
    public var maximumCharactersPerPage = 20_000

    public init() {}

    public func review(kind: DocumentKind, expect: ReviewDocumentArguments.Expect?, pages: [Page], today: DocumentDate?)
        -> DocumentReview
    {
        // Masked first: nothing below ever sees a full resident registration number.
        // Masked before being cut, so that a number at the cut cannot escape the mask half-read.
        let texts = pages.map { String(ResidentRegistrationNumber.mask($0.text).prefix(self.maximumCharactersPerPage)) }
        let withText = pages.indices.filter { !DocumentText.compact(texts[$0]).isEmpty }
        guard !withText.isEmpty else {
            return DocumentReview(
                verdict: .rejected, confidence: 0, kind: kind, fields: [:], matched: [:], reasons: ["no_text"],
                pages: pages.count)
        }
        let ocrConfidence = Double(withText.map { pages[$0].confidence }.reduce(0, +)) / Double(withText.count)
        let extraction = DocumentFieldExtractor.extract(kind: kind, text: texts.joined(separator: "\n"))
        var reasons: [String] = []
        var rejected = false

        if let other = extraction.otherKind {
            reasons.append("wrong_kind:\(other.rawValue)")
            rejected = true
        } else if !extraction.titleFound {
            reasons.append("title_not_found")
        }
        let required = DocumentField.required(for: kind)
        var found = extraction.titleFound ? 1 : 0
        for key in required {
            let present =
                key == "degree_or_major"
                ? extraction.values["degree"] != nil || extraction.values["major"] != nil
                : extraction.values[key] != nil
            if present { found += 1 } else { reasons.append("missing_field:\(key)") }
        }
        for key in extraction.invalid { reasons.append("invalid_field:\(key)") }
        if let today, let issued = extraction.values["issue_date"], issued > today.description {
            reasons.append("issue_date_in_future")
        }

        var matched: [String: Bool] = [:]
        if let expected = expect?.name.flatMap(HangulName.init) {
            let keys = kind == .businessRegistration ? ["representative", "business_name"] : ["name"]
            let names = keys.compactMap { extraction.values[$0] }.compactMap(HangulName.init)
            if names.isEmpty {
                reasons.append("name_not_found")
                matched["name"] = false
            } else if names.contains(where: { $0.matches(expected) }) {
                matched["name"] = true
            } else {
                matched["name"] = false
                if names.contains(where: { $0.distance(to: expected) <= 1 }) {
                    reasons.append("name_near_mismatch")
                } else {
                    reasons.append("name_mismatch")
                    rejected = true
                }
            }
        }
        if let number = expect?.number {
            let expectedDigits = number.filter(\.isASCII).filter(\.isNumber)
            let keys = kind == .businessRegistration ? ["registration_number"] : ["document_number", "student_id"]
            let numbers = keys.compactMap { extraction.values[$0] }.map { $0.filter(\.isNumber) }
            if numbers.isEmpty {
                reasons.append("number_not_found")
                matched["number"] = false
            } else if numbers.contains(expectedDigits) {
                matched["number"] = true
            } else {
                matched["number"] = false
                reasons.append("number_mismatch")
                // A valid business number that differs is another business; other numbers may be misread.
                if kind == .businessRegistration { rejected = true }
            }
        }
        if ocrConfidence < Double(self.minimumOCRConfidence) { reasons.append("low_ocr_confidence") }

        let fieldScore = Double(found) / Double(required.count + 1)
        let matchScore = matched.isEmpty ? 1 : Double(matched.values.filter { $0 }.count) / Double(matched.count)
        let confidence = ((0.5 * ocrConfidence / 100 + 0.3 * fieldScore + 0.2 * matchScore) * 100).rounded() / 100

        let verdict: DocumentVerdict
        if rejected {
            verdict = .rejected
        } else if reasons.isEmpty, confidence >= self.approvalThreshold {
            verdict = .autoApproved
        } else {
            if reasons.isEmpty { reasons.append("low_confidence") }
            verdict = .needsReview
        }
        return DocumentReview(
            verdict: verdict, confidence: confidence, kind: kind, fields: extraction.values, matched: matched,
            reasons: reasons, pages: pages.count)
    }
}
