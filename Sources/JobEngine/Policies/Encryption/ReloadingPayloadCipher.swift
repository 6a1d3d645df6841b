import Foundation
import NIOConcurrencyHelpers

/// A ``PayloadCipher`` whose key ring comes from a file (`BLUEPRINT_ENCRYPTION_KEYS_FILE`, a
/// Kubernetes-mounted secret) and is re-read when the file changes, so a key rotation needs no restart.
///
/// Every call checks the file with one `stat` (``FileSecret``). A changed file that does not parse
/// as a key ring is reported once through `onChange` and the previous ring stays in use; a file
/// missing for a moment (Kubernetes swaps a symlink) keeps the previous ring too.
public final class ReloadingPayloadCipher: PayloadDecryptor {
    private struct Loaded: Sendable {
        var text: String
        var cipher: PayloadCipher
    }

    private let file: FileSecret
    private let loaded: NIOLockedValueBox<Loaded>
    private let onChange: @Sendable (_ text: String, _ result: Result<KeyRing, KeyRingError>) -> Void

    /// Reads the file now; throws when it is missing or not a key ring.
    ///
    /// - Parameter onChange: told about every new file content (after the first), parsed or not;
    ///   the text is secret: register it with the log redactor, never log it.
    public init(file: FileSecret, onChange: @escaping @Sendable (_ text: String, _ result: Result<KeyRing, KeyRingError>) -> Void = { _, _ in })
        throws
    {
        let text = try file.value()
        self.file = file
        self.loaded = NIOLockedValueBox(Loaded(text: text, cipher: PayloadCipher(keyRing: try KeyRing(parsing: text))))
        self.onChange = onChange
    }

    /// The ring in use after looking at the file.
    public var keyRing: KeyRing { self.current().keyRing }

    public func decrypt(_ wireValue: String, queue: String) throws(JobError) -> Data {
        try self.current().decrypt(wireValue, queue: queue)
    }

    public func encrypt(_ plaintext: Data, queue: String) throws -> String {
        try self.current().encrypt(plaintext, queue: queue)
    }

    private func current() -> PayloadCipher {
        guard let text = try? self.file.value() else { return self.loaded.withLockedValue { $0.cipher } }
        var report: Result<KeyRing, KeyRingError>?
        let cipher = self.loaded.withLockedValue { loaded -> PayloadCipher in
            guard loaded.text != text else { return loaded.cipher }
            loaded.text = text  // report a bad file once, not on every job
            let parsed = Self.parse(text)
            if case .success(let ring) = parsed { loaded.cipher = PayloadCipher(keyRing: ring) }
            report = parsed
            return loaded.cipher
        }
        if let report { self.onChange(text, report) }
        return cipher
    }

    private static func parse(_ text: String) -> Result<KeyRing, KeyRingError> {
        do {
            return .success(try KeyRing(parsing: text))
        } catch {
            return .failure(error)
        }
    }
}
