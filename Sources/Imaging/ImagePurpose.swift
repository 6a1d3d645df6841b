/// What an uploaded image is for, which decides its variants.
public enum ImagePurpose: String, Sendable, Hashable, CaseIterable {
    /// An avatar: centre-cropped squares of 512, 256 and 128 pixels.
    case profile
    /// A project picture: fitted within 1600, 800 and 400 pixel boxes, aspect ratio kept.
    case project

    /// The variants to make, largest first. None is ever larger than the source (no upscaling).
    public var variantSpecs: [VariantSpec] {
        switch self {
        case .profile: [512, 256, 128].map { VariantSpec(box: $0, squareCrop: true) }
        case .project: [1600, 800, 400].map { VariantSpec(box: $0, squareCrop: false) }
        }
    }
}
