/// The verdict of a scan.
public enum ScanResult: Sendable, Hashable {
    /// No signature matched.
    case clean
    /// A signature matched; `signature` is clamd's name for it (e.g. `Eicar-Test-Signature`).
    case infected(signature: String)
}
