/// The failure recorded on a job's span (`exception` event): the same message the engine stores
/// in the job's outcome, cut to 500 characters. Never the job's arguments.
struct JobSpanFailure: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        self.description = String(message.prefix(500))
    }
}
