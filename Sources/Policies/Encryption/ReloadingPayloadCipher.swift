import Foundation
import JobEngine
import NIOConcurrencyHelpers
import Secrets
import ServiceLifecycle

/// A ``PayloadCipher`` whose key ring comes from a file (`BLUEPRINT_ENCRYPTION_KEYS_FILE`, a
/// Kubernetes-mounted secret) and is re-read when the file changes, so a key rotation needs no restart.
///
/// A `Service`: ``run()`` looks at the file (one `stat`, ``FileSecret``) every ``checkInterval``
/// on the injected clock; jobs only read the ring in memory, never touch the file system. A
/// changed file that does not parse as a key ring is reported once through `onChange` and the
/// previous ring stays in use; a file missing for a moment (Kubernetes swaps a symlink) keeps the
/// previous ring too.
public final class ReloadingPayloadCipher: PayloadDecryptor, Service {
    private struct Loaded: Sendable {
        var text: String
        var cipher: PayloadCipher
    }

    private let file: FileSecret
    private let loaded: NIOLockedValueBox<Loaded>
    private let onChange: @Sendable (_ text: String, _ result: Result<KeyRing, KeyRingError>) -> Void
    /// Sleeps on the injected clock.
    private let sleep: @Sendable (Duration) async throws -> Void
    /// Time since creation on the injected clock.
    private let elapsed: @Sendable () -> Duration
    private let lastMissCheck = NIOLockedValueBox<Duration?>(nil)
    /// How often ``run()`` looks at the file.
    public let checkInterval: Duration

    /// Reads the file now; throws when it is missing or not a key ring.
    ///
    /// - Parameter onChange: told about every new file content (after the first), parsed or not;
    ///   the text is secret: register it with the log redactor, never log it.
    public convenience init(
        file: FileSecret, checkInterval: Duration = .seconds(2),
        onChange: @escaping @Sendable (_ text: String, _ result: Result<KeyRing, KeyRingError>) -> Void = { _, _ in }
    ) throws {
        try self.init(file: file, checkInterval: checkInterval, clock: ContinuousClock(), onChange: onChange)
    }

    /// Like the other initialiser, on an injected clock (tests).
    public init<C: Clock<Duration>>(
        file: FileSecret, checkInterval: Duration, clock: C,
        onChange: @escaping @Sendable (_ text: String, _ result: Result<KeyRing, KeyRingError>) -> Void = { _, _ in }
    ) throws {
        let text = try file.value()
        self.file = file
        self.checkInterval = checkInterval
        let start = clock.now
        self.sleep = { try await clock.sleep(for: $0) }
        self.elapsed = { start.duration(to: clock.now) }
        self.loaded = NIOLockedValueBox(Loaded(text: text, cipher: PayloadCipher(keyRing: try KeyRing(parsing: text))))
        self.onChange = onChange
    }

    /// The ring in use.
    public var keyRing: KeyRing { self.current().keyRing }

    /// Looks at the file every ``checkInterval`` until the graceful shutdown or cancellation.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while true {
                try await self.sleep(self.checkInterval)
                self.reload()
            }
        }
    }

    /// Opens `wireValue`; a key id the ring in memory does not have makes it look at the file at
    /// once (at most every ``missRecheckInterval``), so a job encrypted with a just-rotated key is
    /// not dead-lettered while the periodic check has not run yet.
    public func decrypt(_ wireValue: String, queue: String) throws(JobError) -> Data {
        var cipher = self.current()
        if let kid = PayloadCipher.keyID(of: wireValue), cipher.keyRing.key(id: String(kid)) == nil, self.mayRecheckAfterMiss() {
            self.reload()
            cipher = self.current()
        }
        return try cipher.decrypt(wireValue, queue: queue)
    }

    /// Shortest time between two file checks caused by unknown key ids (a flood of bad jobs
    /// must not turn into a `stat` per job).
    public static let missRecheckInterval: Duration = .milliseconds(200)

    private func mayRecheckAfterMiss() -> Bool {
        let now = self.elapsed()
        return self.lastMissCheck.withLockedValue { last in
            if let previous = last, now - previous < Self.missRecheckInterval { return false }
            last = now
            return true
        }
    }

    public func encrypt(_ plaintext: Data, queue: String) throws -> String {
        try self.current().encrypt(plaintext, queue: queue)
    }

    private func current() -> PayloadCipher {
        self.loaded.withLockedValue { $0.cipher }
    }

    /// Looks at the file now and switches to its ring if it changed and parses.
    public func reload() {
        guard let text = try? self.file.value() else { return }
        var report: Result<KeyRing, KeyRingError>?
        self.loaded.withLockedValue { loaded in
            guard loaded.text != text else { return }
            loaded.text = text  // report a bad file once, not on every check
            let parsed = Self.parse(text)
            if case .success(let ring) = parsed { loaded.cipher = PayloadCipher(keyRing: ring) }
            report = parsed
        }
        if let report { self.onChange(text, report) }
    }

    private static func parse(_ text: String) -> Result<KeyRing, KeyRingError> {
        do {
            return .success(try KeyRing(parsing: text))
        } catch {
            return .failure(error)
        }
    }
}
