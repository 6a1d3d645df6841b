/// What `review_document` concludes.
public enum DocumentVerdict: String, Sendable, Codable {
    /// The document reads clearly, is of the expected kind, has its required fields, and matches
    /// every `expect` value given.
    case autoApproved = "auto_approved"
    /// Something is missing, unclear or a near miss: a person should look at it.
    case needsReview = "needs_review"
    /// Blank, another kind of document, or a clear mismatch with `expect`.
    case rejected
}
