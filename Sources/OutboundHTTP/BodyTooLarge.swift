/// A streamed response body went past its cap.
struct BodyTooLarge: Error {}
