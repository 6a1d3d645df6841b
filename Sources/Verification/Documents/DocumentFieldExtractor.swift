import Foundation

/// Reads the fields of a document from its (already masked) OCR text. Pure: no I/O.
///
/// Each field is looked for line by line: the first line holding one of its labels (spacing
/// ignored, title lines skipped) gives the rest of the line as its value, cut where another
/// known label starts (two fields often share a line). Names keep their letters, dates are
/// parsed, numbers keep their digits. A labelled date that is impossible is reported in
/// ``Extraction/invalid`` rather than as a value.
enum DocumentFieldExtractor {
    struct Extraction: Sendable, Equatable {
        /// Field key to value (dates ISO 8601, the resident number masked).
        var values: [String: String] = [:]
        /// Keys whose labelled value could not be read (an impossible date, a bad checksum).
        var invalid: [String] = []
        /// Whether the title of the expected kind was found.
        var titleFound = false
        /// Another kind whose title was found instead.
        var otherKind: DocumentKind?
    }

    static func extract(kind: DocumentKind, text masked: String) -> Extraction {
        let text = DocumentText.normalize(masked)
        let lines = text.split(whereSeparator: \.isNewline).map { Array($0) }.filter { !$0.allSatisfy(\.isWhitespace) }
        var extraction = Extraction()

        let compactText = DocumentText.compact(text)
        extraction.titleFound = kind.titles.contains { compactText.contains($0) }
        if !extraction.titleFound {
            extraction.otherKind = DocumentKind.allCases.first {
                $0 != kind && $0.titles.contains { compactText.contains($0) }
            }
        }
        let allTitles = DocumentKind.allCases.flatMap(\.titles)
        let bodyLines = lines.filter { line in
            let compact = DocumentText.compact(String(line))
            return !allTitles.contains { compact.contains($0) }
        }

        let fields = DocumentField.fields(of: kind)
        let allLabels = fields.flatMap(\.labels) + ["주민등록번호", "등록번호", "사업자등록번호", "법인등록번호", "주소", "위와같이", "용도"]
        for field in fields {
            guard let raw = Self.value(of: field, in: bodyLines, stoppingAt: allLabels) else { continue }
            switch field.value {
            case .text:
                let value = raw.trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { extraction.values[field.key] = Self.collapseSpaces(value) }
            case .name:
                if let name = Self.name(in: raw) { extraction.values[field.key] = name }
            case .date:
                if let date = DocumentDate.first(in: raw) {
                    extraction.values[field.key] = date.description
                } else if !DocumentDate.candidates(in: raw).isEmpty {
                    extraction.invalid.append(field.key)
                }
            case .number:
                // From the first digit up to the next word ("No. 2024-0115 (재발급)" -> 20240115).
                let isDigit: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
                let number = raw.unicodeScalars.drop { !isDigit($0) }.prefix {
                    isDigit($0) || !CharacterSet.letters.contains($0)
                }
                let digits = String(String.UnicodeScalarView(number.filter(isDigit)))
                if digits.count >= 4 { extraction.values[field.key] = digits }
            }
        }

        // On a business registration the same shape is the corporate number (법인등록번호).
        if kind != .businessRegistration, let masked = ResidentRegistrationNumber.masked(in: text).first {
            extraction.values["resident_registration_number"] = masked
            if extraction.values["birth_date"] == nil, let birth = ResidentRegistrationNumber.birthDate(of: masked) {
                extraction.values["birth_date"] = birth.description
            }
        }
        if kind == .businessRegistration { Self.registrationNumber(in: bodyLines, into: &extraction) }
        if extraction.values["issue_date"] == nil, !extraction.invalid.contains("issue_date") {
            // Certificates end with the issue date on a line of its own.
            if let last = bodyLines.last(where: { DocumentDate(parsing: String($0)) != nil }) {
                extraction.values["issue_date"] = DocumentDate(parsing: String(last))?.description
            }
        }
        return extraction
    }

    /// The value after the first label of `field` in `lines`, cut at the next known label.
    static func value(of field: DocumentField, in lines: [[Character]], stoppingAt labels: [String]) -> String? {
        for line in lines {
            for label in field.labels {
                guard let found = DocumentText.find(label, in: line) else { continue }
                // A longer label holding this one (`주민등록번호` for `등록번호`) belongs to another field.
                if labels.contains(where: {
                    $0.count > label.count && $0.contains(label)
                        && DocumentText.find($0, in: line).map { $0.overlaps(found) } == true
                }) {
                    continue
                }
                var end = line.count
                for other in labels where DocumentText.compact(other) != DocumentText.compact(label) {
                    if let next = DocumentText.find(other, in: line, from: found.upperBound), next.lowerBound < end {
                        end = next.lowerBound
                    }
                }
                let value = DocumentText.trimSeparators(String(line[found.upperBound..<end]))
                if !value.isEmpty { return value }
            }
        }
        return nil
    }

    /// The letters of a name: up to a parenthesis, digits or punctuation.
    static func name(in raw: String) -> String? {
        let cut = raw.prefix { !"([{<0-9:;|/".contains($0) }
        let letters = cut.filter { $0.isLetter || $0 == " " || $0 == "·" || $0 == "&" }
        let value = Self.collapseSpaces(String(letters))
        return value.isEmpty ? nil : value
    }

    static func collapseSpaces(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// The business registration number: a labelled one first (등록번호 but not 주민/법인), then
    /// any with a valid check digit; an invalid one is reported as such.
    static func registrationNumber(in lines: [[Character]], into extraction: inout Extraction) {
        var labelled: [String] = []
        var anywhere: [String] = []
        for line in lines {
            let text = String(line)
            let candidates = BusinessRegistrationNumber.candidates(in: text)
            let compact = DocumentText.compact(text)
            if compact.contains("등록번호"), !compact.contains("주민등록번호"), !compact.contains("법인등록번호") {
                labelled += candidates
            } else {
                anywhere += candidates
            }
        }
        if let valid = (labelled + anywhere).lazy.compactMap(BusinessRegistrationNumber.init).first {
            extraction.values["registration_number"] = valid.formatted
        } else if !(labelled + anywhere).isEmpty {
            extraction.invalid.append("registration_number")
        }
    }
}
