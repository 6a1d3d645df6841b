/// The outcome of `ImageProcessor.makeVariants`: the source's header and its variants.
public struct ImageVariantSet: Sendable, Hashable {
    /// The source image's header.
    public var header: ImageHeader
    /// The variants, in the purpose's spec order (largest first), each spec in the order of the
    /// formats asked for.
    public var variants: [ImageVariant]
}
