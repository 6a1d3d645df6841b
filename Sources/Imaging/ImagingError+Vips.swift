extension ImagingError {
    /// The error for a failed decode, from libvips' error text (which is never passed on: it quotes
    /// file paths). libjpeg says "Premature end of JPEG file", libspng "unexpected end of file",
    /// others "truncated"; anything else from a loader is damage.
    ///
    /// libvips' error buffer is one per process: under concurrency a message can come from another
    /// operation, so this classification is a best effort between `truncated` and `damaged`, both
    /// permanent.
    static func decodeFailure(vipsMessage: String) -> ImagingError {
        let text = vipsMessage.lowercased()
        let truncationMarks = [
            "premature end", "truncated", "unexpected end", "end of file", "not enough data", "short read",
            "out of data", "eof",
        ]
        if truncationMarks.contains(where: { text.contains($0) }) {
            return .truncated()
        }
        if text.contains("out of memory") || text.contains("unable to allocate") {
            return .internal("not enough memory to decode the image")
        }
        return .damaged()
    }
}
