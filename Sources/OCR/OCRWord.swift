/// One word tesseract found, with its confidence and bounding box in page pixels.
public struct OCRWord: Sendable, Hashable, Codable {
    public var text: String
    /// 0 to 100.
    public var confidence: Double
    /// Left, top, right, bottom in pixels of the recognised (possibly rotated) page.
    public var box: [Int]

    public init(text: String, confidence: Double, box: [Int]) {
        self.text = text
        self.confidence = confidence
        self.box = box
    }
}
