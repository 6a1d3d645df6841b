/// The `result` of a `verify_social` job (docs/protocol.md):
/// `{"provider","verified","account":{"id","handle","name","created_at"},"checks":{...},"reasons":[...]}`.
///
/// It never holds the access token or the account's email (only whether it matched).
public struct VerifySocialResult: Encodable, Sendable, Hashable {
    /// The account as the result shows it.
    public struct Account: Encodable, Sendable, Hashable {
        public var id: String
        public var handle: String?
        public var name: String?
        /// ISO 8601, when the provider gives it.
        public var created_at: String?
    }

    /// What was checked; a check that was not asked for (or cannot be made) is absent.
    public struct Checks: Encodable, Sendable, Hashable {
        /// The account exists (and the token, when one was given, was accepted).
        public var exists: Bool
        /// Whole days since the account was created.
        public var account_age_days: Int?
        /// The minimum age applied (setting or `expect.min_age_days`), when not 0.
        public var min_age_days: Int?
        /// `account_age_days >= min_age_days`.
        public var age_ok: Bool?
        /// The display name matches `expect.name`.
        public var name_match: Bool?
        /// The provider shows `expect.email`.
        public var email_match: Bool?
        /// The provider verified that email (LinkedIn).
        public var email_verified: Bool?
        /// `expect.link` appears in the profile.
        public var link_found: Bool?
        /// The answer came from the lookup cache.
        public var cached: Bool
    }

    public var provider: String
    public var verified: Bool
    /// `nil` when the account does not exist.
    public var account: Account?
    public var checks: Checks
    /// Why it is not verified (empty when verified).
    public var reasons: [String]
}
