import Foundation

/// How the OCR engines are set up and what input they accept.
public struct OCRConfiguration: Sendable {
    /// Tesseract languages, `+`-joined.
    public var languages = "kor+eng"
    /// The tessdata directory; `nil` finds it (``defaultDataPath()``).
    public var dataPath: String?
    /// Images with more pixels are refused before decoding (from their header).
    public var maximumPixels = 50_000_000
    /// Encoded inputs larger than this are refused.
    public var maximumBytes = 50 * 1024 * 1024
    /// Below this mean confidence the engine retries with a contrast stretch and other
    /// orientations (0 turns the retries off).
    public var retryBelowConfidence = 60
    /// Engines in a pool; `nil` means one per core.
    public var engines: Int?
    /// Tesseract variables set on every engine after loading (`tesseract -c name=value`), e.g.
    /// `tessedit_do_invert=0` to skip re-reading unsure lines as white-on-black (it made no
    /// measurable difference on the bench-ocr pages, so tesseract's defaults are kept).
    public var variables: [String: String] = [:]

    public init() {}

    /// `TESSDATA_PREFIX` when set, else the first Debian/Homebrew location holding
    /// `<first language>.traineddata`.
    public static func defaultDataPath(
        languages: String = "kor+eng", environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        if let prefix = environment["TESSDATA_PREFIX"], !prefix.isEmpty { return prefix }
        let first = languages.split(separator: "+").first.map(String.init) ?? "eng"
        let candidates = [
            "/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata", "/usr/share/tessdata",
            "/usr/local/share/tessdata", "/opt/homebrew/share/tessdata",
        ]
        return candidates.first { FileManager.default.fileExists(atPath: "\($0)/\(first).traineddata") }
    }
}
