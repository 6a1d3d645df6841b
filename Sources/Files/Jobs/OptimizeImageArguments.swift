/// The arguments of `optimize_image` (docs/protocol.md).
public struct OptimizeImageArguments: Decodable, Sendable {
    /// A storage key or an `https` URL.
    public var source: String
    /// `profile` (square crops) or `project` (fit within).
    public var purpose: String
    /// A subset of the purpose's sizes (`[512, 128]`); all of them when absent.
    public var variants: [Int]?
    /// A subset of `webp`, `jpeg`; both when absent.
    public var formats: [String]?
    /// The size the producer declared, charged to the upload limit before the job runs.
    public var size_bytes: Int64?
}
