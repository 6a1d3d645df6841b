import Foundation

/// The clamd that `make test` starts (scripts/test-servers/clamd.sh), with an EICAR-only database.
///
/// `CLAMD_TEST_ADDRESS` (`tcp://127.0.0.1:PORT`) and `CLAMD_TEST_SOCKET` (a unix socket path).
public enum TestClamd {
    /// `tcp://127.0.0.1:PORT`, when the server was started.
    public static var address: String? { ProcessInfo.processInfo.environment["CLAMD_TEST_ADDRESS"] }
    /// The unix socket path, when the server was started.
    public static var socketPath: String? { ProcessInfo.processInfo.environment["CLAMD_TEST_SOCKET"] }
    /// clamd's `StreamMaxLength` in bytes (30 MiB unless the script says otherwise).
    public static var streamMaxLength: Int {
        Int(ProcessInfo.processInfo.environment["CLAMD_TEST_STREAM_MAX"] ?? "") ?? 30 * 1024 * 1024
    }
    /// The signature directory of the shared clamd, for tests that start (and kill) their own.
    public static var databaseDirectory: String? { ProcessInfo.processInfo.environment["CLAMD_TEST_DATABASE"] }
    /// The clamd executable.
    public static var executable: String? { findExecutable("clamd") }
    /// Whether the clamd suites can run (always required under `make test`).
    public static var isAvailable: Bool { address != nil && socketPath != nil }

    /// The EICAR anti-virus test string (harmless; every scanner detects it).
    public static let eicar = #"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"#
}
