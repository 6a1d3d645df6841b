import Foundation
import JobEngine

extension EngineConfiguration {
    /// The engine of the cluster drain tests: short reads, heartbeats, reclaims and retry
    /// promotion, so a failover or migration shows in seconds; a 10 s grace period to drain.
    static func clusterDrain(workerPrefix: String, queues: [QueueConfiguration]) -> EngineConfiguration {
        var configuration = EngineConfiguration(workerID: "\(workerPrefix)-\(UUID().uuidString.prefix(6))", queues: queues)
        configuration.blockTime = .milliseconds(200)
        configuration.minIdle = .seconds(5)
        configuration.heartbeatInterval = .milliseconds(500)
        configuration.reclaimInterval = .milliseconds(500)
        configuration.schedulerInterval = .milliseconds(50)
        configuration.shutdownGracePeriod = .seconds(10)
        return configuration
    }
}
