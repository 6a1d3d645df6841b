/// The text of one recognised page.
public struct OCRPage: Sendable, Hashable {
    /// UTF-8 text as tesseract returns it, lines separated by `\n`.
    public var text: String
    /// Tesseract's mean word confidence, 0 to 100 (0 when no word was found).
    public var meanConfidence: Int
    /// The words with their confidences, when asked for.
    public var words: [OCRWord]?
    /// Clockwise rotation in degrees (0, 90, 180, 270) applied before the kept recognition.
    public var rotation: Int
    /// Width and height in pixels of the decoded image.
    public var width: Int
    public var height: Int

    public init(
        text: String, meanConfidence: Int, words: [OCRWord]? = nil, rotation: Int = 0, width: Int = 0, height: Int = 0
    ) {
        self.text = text
        self.meanConfidence = meanConfidence
        self.words = words
        self.rotation = rotation
        self.width = width
        self.height = height
    }
}
