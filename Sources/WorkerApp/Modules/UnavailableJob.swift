import JobEngine

/// The handler of a declared job type that cannot run in this configuration: every job of it is
/// dead-lettered with the reason (arguments are not decoded), never silently succeeded.
enum UnavailableJob {
    struct AnyArguments: Decodable, Sendable {}

    static func handler(type: String, queues: Set<String>?, reason: String) -> AnyJobHandler {
        AnyJobHandler(JobDefinition<AnyArguments>(name: type, retryPolicy: .none), queues: queues) {
            (_: AnyArguments, context: JobContext) async throws -> JobNoResult in
            if reason == "not implemented" { throw JobError.notImplemented(context.type) }
            throw JobError.permanent("job type '\(context.type)' is unavailable: \(reason)")
        }
    }
}
