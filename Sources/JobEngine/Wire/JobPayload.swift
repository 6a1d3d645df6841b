import Foundation

/// Turns a `job_data` field into the job's JSON object bytes and its `type`.
///
/// Every failure is a ``JobError/permanent(_:)`` with a clear message naming what is wrong,
/// never the payload itself (it may hold personal data).
public struct JobPayloadDecoder: Sendable {
    /// Largest `job_data` accepted, in bytes (after decryption).
    public var maximumBytes: Int
    /// Opens `enc:v1:` payloads; `nil` refuses them.
    public var decryptor: (any PayloadDecryptor)?

    public init(maximumBytes: Int = 1 << 20, decryptor: (any PayloadDecryptor)? = nil) {
        self.maximumBytes = maximumBytes
        self.decryptor = decryptor
    }

    /// The decoded payload: JSON bytes and the job type.
    public struct Payload: Sendable {
        public let json: Data
        public let type: String
        /// `true` when the wire value was encrypted (results are encrypted too).
        public let wasEncrypted: Bool
        /// `true` when `json` is a valid object whose only key is `type`: the arguments are all
        /// absent (see ``AbsentArgumentsDecoder``).
        let hasOnlyType: Bool
    }

    public func decode(jobData: String?, queue: String) throws(JobError) -> Payload {
        guard let jobData else { throw .permanent("entry has no job_data field") }
        guard jobData.utf8.count <= self.maximumBytes else {
            throw .permanent("job_data is \(jobData.utf8.count) bytes, above the limit of \(self.maximumBytes)")
        }
        let json: Data
        var encrypted = false
        if jobData.hasPrefix("enc:") {
            guard let decryptor else { throw .permanent("job_data is encrypted but this worker has no encryption keys") }
            json = try decryptor.decrypt(jobData, queue: queue)
            encrypted = true
        } else {
            json = Data(jobData.utf8)
        }
        let (scanned, topLevelKeys) = json.withUnsafeBytes { JSONTypeScanner.scanCountingKeys($0) }
        let type: String
        switch scanned {
        case .type(let value): type = value
        case .missingType: throw .permanent("job_data has no \"type\"")
        case .typeNotString: throw .permanent("job_data \"type\" must be a string")
        case .notObject: throw .permanent("job_data is not a JSON object")
        case .invalid:
            let first = json.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 })
            if first == nil { throw .permanent("job_data is empty") }
            throw first == UInt8(ascii: "{") ? .permanent("job_data is not valid JSON") : .permanent("job_data is not a JSON object")
        }
        guard !type.isEmpty, type.utf8.count <= 128 else { throw .permanent("job_data \"type\" is empty or too long") }
        return Payload(json: json, type: type, wasEncrypted: encrypted, hasOnlyType: topLevelKeys == 1)
    }
}
/// Decrypts `enc:v1:<kid>:<base64>` payloads (DESIGN.md section 1). Implemented by the policies layer.
public protocol PayloadDecryptor: Sendable {
    /// The plaintext JSON bytes; throws a permanent ``JobError`` for tampering, unknown kid or wrong queue.
    func decrypt(_ wireValue: String, queue: String) throws(JobError) -> Data
    /// Encrypts a result or payload for `queue` with the current key.
    func encrypt(_ plaintext: Data, queue: String) throws -> String
}
