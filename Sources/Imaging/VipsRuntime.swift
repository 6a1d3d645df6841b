import CVips

/// libvips' process-wide start-up, done once (libvips requires `vips_init` once per process).
///
/// The one piece of global state here, because libvips itself is global: its type system, its
/// caches, its thread pool. Start-up also sets our limits (see `bp_vips_setup` in CVips/shim.h):
/// no operation cache, one libvips worker per operation (our `CPUWorkPool` does the parallelism).
enum VipsRuntime {
    /// Result of the one `vips_init` (Swift runs a global's initialiser once, thread-safely).
    private static let started: Bool = bp_vips_setup("blueprint") == 0

    /// Starts libvips if it is not yet started.
    static func start() throws(ImagingError) {
        guard started else {
            throw .internal("libvips failed to start")
        }
    }

    /// Takes (and clears) libvips' error text. For classification only: it quotes file paths, so it
    /// is never put in an error message or a log.
    static func takeErrorText() -> String {
        guard let text = vips_error_buffer_copy() else { return "" }
        defer { g_free(text) }
        return String(cString: text)
    }
}
