/// The arguments of `review_document` (docs/protocol.md, `verification_queue`).
public struct ReviewDocumentArguments: Decodable, Sendable {
    /// What the document must say, when the producer knows it.
    public struct Expect: Decodable, Sendable, Equatable {
        /// The person's name (employment, degree) or the representative or business name.
        public var name: String?
        /// The business registration number, or the certificate's document number.
        public var number: String?

        public init(name: String? = nil, number: String? = nil) {
            self.name = name
            self.number = number
        }
    }

    /// A storage key or an `https` URL.
    public var source: String
    /// `employment_certificate`, `degree_certificate` or `business_registration`.
    public var kind: String
    public var expect: Expect?

    public init(source: String, kind: String, expect: Expect? = nil) {
        self.source = source
        self.kind = kind
        self.expect = expect
    }
}
