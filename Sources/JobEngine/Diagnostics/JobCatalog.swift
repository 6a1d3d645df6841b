/// The job types of DESIGN.md section 2, by queue.
public enum JobCatalog {
    public static let types: [String: [String]] = [
        StandardQueues.email.stream: ["send_email", "send_verification_code", "send_work_email_verification"],
        StandardQueues.sms.stream: ["send_sms", "send_sms_code", "verify_phone_identity"],
        StandardQueues.files.stream: ["process_document", "optimize_image"],
        StandardQueues.verification.stream: ["verify_social", "verify_company_domain", "review_document"],
    ]

    /// Arguments are not decoded: the type has no handler yet.
    struct AnyArguments: Decodable, Sendable {}

    /// Registers every catalog type not yet in `registry` with a handler that refuses the job with a
    /// clear permanent `not implemented` error (never a silent success).
    public static func registerNotImplemented(in registry: inout JobRegistry) {
        for (queue, names) in types {
            for name in names where registry.handler(for: name) == nil {
                registry.register(JobDefinition<AnyArguments>(name: name, retryPolicy: .none), queues: [queue]) {
                    (_: AnyArguments, context: JobContext) async throws -> JobNoResult in
                    throw JobError.notImplemented(context.type)
                }
            }
        }
    }
}
