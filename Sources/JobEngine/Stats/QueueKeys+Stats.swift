extension QueueKeys {
    /// The stats hash of one minute (``JobStatsSchema``): `{queue}:stats:<minute>`.
    public func stats(minute: Int64) -> String {
        "{\(self.stream)}:stats:\(minute)"
    }

    /// The lookup-index key of a job: `{queue}:job:<job id>` -> `"<status> <results entry id>"`.
    public func jobIndex(jobID: String) -> String {
        "{\(self.stream)}:job:\(jobID)"
    }
}
