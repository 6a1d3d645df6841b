import Foundation
import TestSupport
import Testing

@testable import RedisClient

extension RealClusterTests {
    /// How many acknowledged `XADD`s a `kill -9` of the master loses, with and without `WAIT 1`
    /// (docs/scaling.md). Prints; runs only with `BLUEPRINT_MEASURE_FAILOVER_LOSS=1`
    /// (scripts/measure-failover-loss.sh), since it kills a master per round.
    @Suite(
        "Acknowledged-write loss on a cluster kill -9 (measurement)", .enabled(if: FailoverLossMeasurement.isEnabled))
    struct FailoverLoss {
        @Test(arguments: [nil, 1] as [Int?])
        func acknowledgedWriteLoss(waitReplicas: Int?) async throws {
            for round in 1...FailoverLossMeasurement.rounds {
                try await TestRedisCluster.waitUntilHealthy()
                let key = clusterKey("loss\(round)")
                let slot = RedisHashSlot.slot(of: key)
                let report = try await withClusterClient({ configuration in
                    configuration.commandTimeout = .seconds(10)
                    configuration.healthCheckInterval = .seconds(1)
                }) { client in
                    try await FailoverLossMeasurement.measure(
                        mode: "cluster kill -9 (round \(round))", client: client, key: key, waitReplicas: waitReplicas
                    ) { markKilled in
                        let killed = try await TestRedisCluster.kill9(
                            try await TestRedisCluster.owner(of: slot), beforeSignal: markKilled)
                        var promotionError: (any Error)?
                        do {
                            _ = try await TestRedisCluster.waitForPromotion(ofSlot: slot, awayFrom: killed)
                        } catch {
                            promotionError = error
                        }
                        // Back in any case, so that later tests find six nodes.
                        try await TestRedisCluster.restart(killed)
                        if let promotionError { throw promotionError }
                    }
                }
                print(report)
                try await TestRedisCluster.waitUntilHealthy()
            }
        }
    }
}
