extension RedisConfiguration {
    /// How the client reaches its data: one server, or a Redis Cluster.
    public enum Mode: Sendable, Hashable {
        /// One server at ``RedisConfiguration/endpoint`` (the default).
        case standalone
        /// A Redis Cluster discovered from any of `seeds` (`CLUSTER SHARDS`, else `CLUSTER SLOTS`).
        /// Each command goes to the master serving its keys' slot; TLS, user and password apply to
        /// every node. Only database 0 exists on a cluster.
        case cluster(seeds: [Endpoint])
    }
}
