import Foundation

/// Pages rendered for the OCR tests: Korean text in Noto Sans CJK drawn by ImageMagick
/// (`/usr/bin/convert`; the `convert` first on PATH may be something else).
///
/// The packages come from scripts/apt/build/ocr.txt and scripts/apt/test/ocr.txt, so under
/// `make test` a missing piece fails the OCR suites instead of skipping them
/// (`TestServers.shouldRun(TestPages.available)`).
public enum TestPages {
    public static let convert = "/usr/bin/convert"
    public static let font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

    /// Whether ImageMagick, the font and kor+eng traineddata are installed.
    public static var available: Bool {
        let tessdata = ProcessInfo.processInfo.environment["TESSDATA_PREFIX"] ?? "/usr/share/tesseract-ocr/5/tessdata"
        return FileManager.default.isExecutableFile(atPath: Self.convert)
            && FileManager.default.fileExists(atPath: Self.font)
            && FileManager.default.fileExists(atPath: "\(tessdata)/kor.traineddata")
    }

    /// Renders `text` (lines separated by `\n`) black on white into `directory/name.png`, then
    /// applies `effects` (ImageMagick options such as `-rotate 90` or `+level 40%,55%`); returns the path.
    @discardableResult
    public static func render(
        _ text: String, name: String, in directory: URL, pointSize: Int = 32, effects: [String] = [],
        format: String = "png"
    ) throws -> String {
        let path = directory.appendingPathComponent("\(name).\(format)").path
        var arguments = [
            "-background", "white", "-fill", "black", "-font", Self.font, "-pointsize", "\(pointSize)",
            "-bordercolor", "white", "-border", "60", "label:\(text)",
        ]
        arguments += effects
        arguments.append(path)
        try runProgram(Self.convert, arguments, in: directory)
        return path
    }

    /// Runs ImageMagick with `arguments` in `directory` (conversions between formats).
    public static func convert(_ arguments: [String], in directory: URL) throws {
        try runProgram(Self.convert, arguments, in: directory)
    }
}
