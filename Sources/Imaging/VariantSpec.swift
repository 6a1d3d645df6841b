/// One variant size: a square box of `box` pixels, either filled by a centre crop or fitted within.
public struct VariantSpec: Sendable, Hashable {
    /// The box side in pixels.
    public var box: Int
    /// True: scale to cover the box and crop the centre square; false: scale to fit within the box.
    public var squareCrop: Bool

    /// Creates a spec.
    public init(box: Int, squareCrop: Bool) {
        self.box = box
        self.squareCrop = squareCrop
    }
}
