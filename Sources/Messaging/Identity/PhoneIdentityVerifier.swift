import Crypto
import Foundation
import JobEngine
import RedisClient

/// `verify_phone_identity`: the server-side step of a PASS/carrier identity check.
///
/// The user proves who they are in the carrier's PASS app; the provider hands the app a sealed
/// result that the main server passes here unchanged. This type checks and opens it and keeps only
/// keyed hashes of the CI/DI identifiers, never a resident number, a name or a birth date:
///
/// 1. `integrity` must equal hex(HMAC-SHA256(integrityKey, token)) (compared in constant time);
/// 2. `token` is base64url(nonce 12 || AES-256-GCM ciphertext || tag 16) under `encryptionKey`,
///    with additional data `request_id`, so a result cannot be replayed for another request;
/// 3. the JSON inside must carry the same `request_id`, non-empty `ci` and `di`, and a
///    `verified_at` (seconds since 1970) at most ``maximumAge`` old;
/// 4. `ci_hash` = hex(HMAC-SHA256(hashKey, ci)), same for `di`, are stored in the hash
///    `identity:{user_id}` with the carrier and the phone's last four digits; `identity:ci:<ci_hash>`
///    maps the person to the first account that proved it, so a second account is reported.
///
/// See docs/phone-identity.md for the exact shape a provider adapter must produce.
public struct PhoneIdentityVerifier: Sendable {
    // Raw key bytes (SymmetricKey is not Sendable); keys are built per use.
    private let encryptionKeyBytes: Data
    private let integrityKeyBytes: Data
    private let hashKeyBytes: Data
    /// How old a result may be.
    public var maximumAge: Duration = .seconds(600)
    /// Wall clock, injected in tests.
    public var now: @Sendable () -> Date = { Date() }

    /// `encryptionKey` must be 32 bytes (AES-256); the others at least 32 bytes.
    public init(encryptionKey: Data, integrityKey: Data, hashKey: Data) throws(JobError) {
        guard encryptionKey.count == 32, integrityKey.count >= 32, hashKey.count >= 32 else {
            throw .permanent("identity keys: encryption key must be 32 bytes, integrity and hash keys at least 32")
        }
        self.encryptionKeyBytes = encryptionKey
        self.integrityKeyBytes = integrityKey
        self.hashKeyBytes = hashKey
    }

    private var encryptionKey: SymmetricKey { SymmetricKey(data: self.encryptionKeyBytes) }
    private var integrityKey: SymmetricKey { SymmetricKey(data: self.integrityKeyBytes) }
    private var hashKey: SymmetricKey { SymmetricKey(data: self.hashKeyBytes) }

    /// The opened result (only in memory; never logged or stored as is).
    struct Result: Decodable {
        let request_id: String
        let ci: String
        let di: String
        let carrier: String?
        let phone: String?
        let verified_at: Int64
    }

    /// What the job reports: hashes and flags only.
    public struct Outcome: Encodable, Sendable {
        public let verified: Bool
        public let ci_hash: String
        public let di_hash: String
        public let carrier: String?
        /// Another user already proved this identity.
        public let already_linked_to_other_user: Bool
    }

    public func register(in registry: inout JobRegistry, queues: Set<String> = [SMSService.queue]) {
        let verifier = self
        registry.register(
            JobDefinition<VerifyPhoneIdentityArguments>(name: "verify_phone_identity", timeout: .seconds(15), retryPolicy: RetryPolicy(maximumRetries: 3)),
            queues: queues
        ) { arguments, context in
            try await verifier.verify(arguments, context: context)
        }
    }

    /// Steps 1 to 3: pure, throws permanent errors for anything forged, stale or malformed.
    func open(_ arguments: VerifyPhoneIdentityArguments) throws(JobError) -> Result {
        guard arguments.provider == "pass" else { throw .permanent("invalid arguments: argument 'provider' must be pass") }
        guard !arguments.request_id.isEmpty, arguments.request_id.utf8.count <= 128 else {
            throw .permanent("invalid arguments: argument 'request_id' must be 1 to 128 bytes")
        }
        guard arguments.token.utf8.count <= 16_384, let expected = Self.hexBytes(arguments.integrity),
            HMAC<SHA256>.isValidAuthenticationCode(expected, authenticating: Data(arguments.token.utf8), using: self.integrityKey)
        else { throw .permanent("identity result refused: integrity check failed") }
        guard let sealed = Self.base64URL(arguments.token), sealed.count > 28 else { throw .permanent("identity result refused: malformed token") }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            plaintext = try AES.GCM.open(box, using: self.encryptionKey, authenticating: Data(arguments.request_id.utf8))
        } catch {
            throw .permanent("identity result refused: cannot be decrypted for this request")
        }
        guard let result = try? JSONDecoder().decode(Result.self, from: plaintext) else { throw .permanent("identity result refused: malformed content") }
        guard result.request_id == arguments.request_id else { throw .permanent("identity result refused: request id mismatch") }
        guard !result.ci.isEmpty, !result.di.isEmpty else { throw .permanent("identity result refused: CI/DI missing") }
        let age = self.now().timeIntervalSince1970 - Double(result.verified_at)
        guard age >= -60, age <= Double(self.maximumAge.components.seconds) else { throw .permanent("identity result refused: expired") }
        return result
    }

    func verify(_ arguments: VerifyPhoneIdentityArguments, context: JobContext) async throws -> Outcome {
        guard let user = context.userID, !user.isEmpty else { throw JobError.permanent("verify_phone_identity needs the job's user_id") }
        let result = try self.open(arguments)
        let ciHash = self.hash(result.ci)
        let diHash = self.hash(result.di)
        let lastFour = result.phone.map { String($0.filter(\.isNumber).suffix(4)) } ?? ""
        _ = try await context.redis.send(
            "HSET", "identity:{\(user)}", "ci_hash", ciHash, "di_hash", diHash, "carrier", result.carrier ?? "", "phone_last4", lastFour,
            "verified_at", String(result.verified_at))
        let owner = try await context.redis.send("SET", "identity:ci:\(ciHash)", user, "NX", "GET").string
        let linkedElsewhere = owner != nil && owner != user
        context.logger.info("phone identity verified", metadata: ["identity.duplicate": "\(linkedElsewhere)"])
        return Outcome(verified: true, ci_hash: ciHash, di_hash: diHash, carrier: result.carrier, already_linked_to_other_user: linkedElsewhere)
    }

    func hash(_ value: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: self.hashKey).map { String(format: "%02x", $0) }.joined()
    }

    static func hexBytes(_ text: String) -> Data? {
        guard text.count == 64 else { return nil }
        var bytes = Data()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }

    static func base64URL(_ text: String) -> Data? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard)
    }
}
