import CTesseract
import Foundation

/// One tesseract instance (`TessBaseAPI`) with its languages loaded once, reused for every page.
///
/// Loading `kor+eng` costs far more than recognising a page, which is why engines live in an
/// ``OCREnginePool`` and are never created per job.
///
/// Not thread-safe: one thread at a time may call ``recognize(_:includeWords:)``. The pool
/// guarantees it (each engine is checked out by one pool thread while it works); it is marked
/// `@unchecked Sendable` only so the pool can hand it between its threads.
public final class OCREngine: @unchecked Sendable {
    private let api: OpaquePointer
    /// A second instance loaded with `osd` for orientation detection, when `osd.traineddata` exists.
    private let orientationAPI: OpaquePointer?
    public let configuration: OCRConfiguration

    /// Loads the languages of `configuration` (blocking: call it off the cooperative pool).
    public init(configuration: OCRConfiguration = OCRConfiguration()) throws(OCRError) {
        guard
            let dataPath = configuration.dataPath
                ?? OCRConfiguration.defaultDataPath(languages: configuration.languages)
        else {
            throw .engineUnavailable("no tessdata directory found (set TESSDATA_PREFIX)")
        }
        guard let api = Self.makeAPI(dataPath: dataPath, languages: configuration.languages, mode: PSM_SINGLE_BLOCK)
        else {
            throw .engineUnavailable("tesseract could not load '\(configuration.languages)' from \(dataPath)")
        }
        for (name, value) in configuration.variables.sorted(by: { $0.key < $1.key })
        where TessBaseAPISetVariable(api, name, value) == 0 {
            TessBaseAPIEnd(api)
            TessBaseAPIDelete(api)
            throw .engineUnavailable("tesseract has no variable '\(name)'")
        }
        self.api = api
        self.orientationAPI =
            FileManager.default.fileExists(atPath: "\(dataPath)/osd.traineddata")
            ? Self.makeAPI(dataPath: dataPath, languages: "osd", mode: PSM_OSD_ONLY) : nil
        self.configuration = configuration
    }

    deinit {
        TessBaseAPIEnd(self.api)
        TessBaseAPIDelete(self.api)
        if let orientationAPI = self.orientationAPI {
            TessBaseAPIEnd(orientationAPI)
            TessBaseAPIDelete(orientationAPI)
        }
    }

    private static func makeAPI(dataPath: String, languages: String, mode: TessPageSegMode) -> OpaquePointer? {
        guard let api = TessBaseAPICreate() else { return nil }
        // Tesseract's own diagnostics ("Estimating resolution...") would go to stderr per page.
        _ = TessBaseAPISetVariable(api, "debug_file", "/dev/null")
        guard TessBaseAPIInit3(api, dataPath, languages) == 0 else {
            TessBaseAPIDelete(api)
            return nil
        }
        TessBaseAPISetPageSegMode(api, mode)
        return api
    }

    /// Recognises `image` as one block of text (`--psm 6`).
    ///
    /// When the mean confidence is below ``OCRConfiguration/retryBelowConfidence`` the page is
    /// tried again with its contrast stretched, then turned by the orientation tesseract's OSD
    /// detects (or, without OSD, by 90°, 270° and 180°); the most confident reading is kept.
    public func recognize(_ image: OCRImage, includeWords: Bool = false) throws(OCRError) -> OCRPage {
        let gray = try PixImage.decode(image, configuration: self.configuration)
        var best = try self.read(gray, rotation: 0, includeWords: includeWords)
        let threshold = self.configuration.retryBelowConfidence
        guard threshold > 0, best.page.meanConfidence < threshold else { return best.page }

        if let stretched = gray.contrastStretched() {
            let attempt = try self.read(stretched, rotation: 0, includeWords: includeWords)
            if attempt.page.meanConfidence > best.page.meanConfidence { best = attempt }
        }
        guard best.page.meanConfidence < threshold else { return best.page }

        let turns: [Int]
        if let detected = self.detectedQuarterTurns(best.image) {
            turns = detected == 0 ? [] : [detected]
        } else {
            turns = [1, 3, 2]
        }
        let base = best.image
        for turn in turns where best.page.meanConfidence < threshold {
            guard let rotated = base.rotated(quarterTurns: turn) else { continue }
            let attempt = try self.read(rotated, rotation: turn * 90, includeWords: includeWords)
            if attempt.page.meanConfidence > best.page.meanConfidence { best = attempt }
        }
        return best.page
    }

    /// The clockwise quarter turns that make `image` upright according to OSD; `nil` without
    /// OSD data or when it finds too little text to tell.
    private func detectedQuarterTurns(_ image: PixImage) -> Int? {
        guard let osd = self.orientationAPI else { return nil }
        defer { TessBaseAPIClear(osd) }
        TessBaseAPISetImage2(osd, image.pointer)
        var degrees: Int32 = 0
        var confidence: Float = 0
        var scriptConfidence: Float = 0
        // The script name points into tesseract's unicharset: not ours to free, so not asked for.
        guard TessBaseAPIDetectOrientationScript(osd, &degrees, &confidence, nil, &scriptConfidence) != 0 else {
            return nil
        }
        // `degrees` is how far the page is turned clockwise from upright (the CLI's "Orientation
        // in degrees"); turning it a further 360 - degrees clockwise (the CLI's "Rotate") undoes it.
        return ((360 - Int(degrees)) % 360) / 90
    }

    private struct Reading {
        var page: OCRPage
        var image: PixImage
    }

    private func read(_ image: PixImage, rotation: Int, includeWords: Bool) throws(OCRError) -> Reading {
        defer { TessBaseAPIClear(self.api) }
        TessBaseAPISetImage2(self.api, image.pointer)
        guard TessBaseAPIRecognize(self.api, nil) == 0 else {
            throw .recognitionFailed("tesseract failed to recognise a \(image.width)x\(image.height) page")
        }
        var text = ""
        if let utf8 = TessBaseAPIGetUTF8Text(self.api) {
            text = String(cString: utf8)
            TessDeleteText(utf8)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let confidence = trimmed.isEmpty ? 0 : max(0, Int(TessBaseAPIMeanTextConf(self.api)))
        let words = includeWords ? self.words() : nil
        return Reading(
            page: OCRPage(
                text: text, meanConfidence: confidence, words: words, rotation: rotation, width: image.width,
                height: image.height),
            image: image)
    }

    private func words() -> [OCRWord] {
        guard let iterator = TessBaseAPIGetIterator(self.api) else { return [] }
        defer { TessResultIteratorDelete(iterator) }
        var words: [OCRWord] = []
        repeat {
            guard let utf8 = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let text = String(cString: utf8)
            TessDeleteText(utf8)
            var left: Int32 = 0
            var top: Int32 = 0
            var right: Int32 = 0
            var bottom: Int32 = 0
            _ = TessPageIteratorBoundingBox(
                TessResultIteratorGetPageIteratorConst(iterator), RIL_WORD, &left, &top, &right, &bottom)
            let confidence = Double(TessResultIteratorConfidence(iterator, RIL_WORD))
            words.append(
                OCRWord(text: text, confidence: confidence, box: [Int(left), Int(top), Int(right), Int(bottom)]))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        return words
    }
}
