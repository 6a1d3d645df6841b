/// Exit codes of every `blueprint` command (documented in `blueprint --help`).
enum ExitCodes {
    /// Success.
    static let success: Int32 = 0
    /// A runtime failure, e.g. Redis unreachable.
    static let failure: Int32 = 1
    /// Invalid settings (environment or settings file).
    static let invalidSettings: Int32 = 2
    /// Bad usage: unknown option, missing argument, unknown queue.
    static let usage: Int32 = 64
}
