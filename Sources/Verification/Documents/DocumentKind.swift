/// The documents `review_document` reads.
public enum DocumentKind: String, Sendable, CaseIterable, Codable {
    /// 재직증명서: certificate of employment.
    case employmentCertificate = "employment_certificate"
    /// 학위증명서 / 졸업증명서: degree or graduation certificate.
    case degreeCertificate = "degree_certificate"
    /// 사업자등록증: business registration certificate.
    case businessRegistration = "business_registration"

    /// Titles that identify the kind, without spaces (OCR spacing is ignored when matching).
    public var titles: [String] {
        switch self {
        case .employmentCertificate: return ["재직증명서", "재직증명", "경력증명서"]
        case .degreeCertificate: return ["학위증명서", "졸업증명서", "학위수여증명서", "졸업증명"]
        case .businessRegistration: return ["사업자등록증", "사업자등록증명"]
        }
    }
}
