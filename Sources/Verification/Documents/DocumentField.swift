/// A field `review_document` reads from a document: its result key, the labels that introduce
/// it (longest first, so `발급일자` wins over `발급일`) and how its value is read.
struct DocumentField: Sendable {
    enum Value: Sendable {
        /// Free text (company, degree, address).
        case text
        /// A person's or company's name: the letters before any parenthesis (hanja, English).
        case name
        /// A date, reported as ISO 8601.
        case date
        /// Digits only (a document number).
        case number
    }

    let key: String
    let labels: [String]
    let value: Value

    init(_ key: String, _ labels: [String], _ value: Value) {
        self.key = key
        self.labels = labels.sorted { DocumentText.compact($0).count > DocumentText.compact($1).count }
        self.value = value
    }

    static let name = DocumentField("name", ["성명", "이름", "성명(한글)", "성명(국문)"], .name)
    static let birthDate = DocumentField("birth_date", ["생년월일"], .date)
    static let issueDate = DocumentField("issue_date", ["발급일자", "발급일", "발행일자", "발행일", "증명일자", "교부일자"], .date)
    static let documentNumber = DocumentField("document_number", ["발급번호", "문서번호", "증명서번호", "발행번호", "증명번호"], .number)

    /// The fields of `kind`, read in this order.
    static func fields(of kind: DocumentKind) -> [DocumentField] {
        switch kind {
        case .employmentCertificate:
            return [
                .name, .birthDate,
                DocumentField("company", ["회사명", "상호", "법인명", "직장명", "업체명", "기관명"], .name),
                DocumentField("department", ["부서", "소속"], .text),
                DocumentField("position", ["직위", "직급", "직책"], .text),
                DocumentField("employment_start", ["입사일자", "입사일", "입사년월일", "재직기간", "근무기간"], .date),
                .issueDate, .documentNumber,
            ]
        case .degreeCertificate:
            return [
                .name, .birthDate,
                DocumentField("school", ["학교명", "대학교명", "대학명"], .name),
                DocumentField("degree", ["학위명", "학위", "학위종류"], .text),
                DocumentField("major", ["전공", "학과", "전공학과"], .text),
                DocumentField("graduation_date", ["졸업일자", "졸업년월일", "졸업연월일", "졸업일", "학위수여일", "수여일자"], .date),
                DocumentField("student_id", ["학번"], .number),
                .issueDate, .documentNumber,
            ]
        case .businessRegistration:
            return [
                DocumentField("business_name", ["상호(법인명)", "법인명(단체명)", "상호명", "상호", "법인명", "단체명"], .name),
                DocumentField("representative", ["성명(대표자)", "대표자명", "대표자", "대표"], .name),
                DocumentField("opening_date", ["개업연월일", "개업년월일", "개업일자", "개업일"], .date),
                DocumentField("address", ["사업장소재지", "사업장주소", "소재지"], .text),
                DocumentField("business_type", ["업태"], .text),
                DocumentField("business_item", ["종목"], .text),
                .issueDate,
            ]
        }
    }

    /// Fields without which a document of `kind` cannot be approved automatically.
    static func required(for kind: DocumentKind) -> [String] {
        switch kind {
        case .employmentCertificate: return ["name", "company"]
        case .degreeCertificate: return ["name", "degree_or_major"]
        case .businessRegistration: return ["registration_number", "business_name", "representative"]
        }
    }
}
