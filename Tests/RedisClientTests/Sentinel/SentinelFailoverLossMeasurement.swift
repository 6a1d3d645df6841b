import Foundation
import RedisClient
import TestSupport
import Testing

/// How many acknowledged `XADD`s a `kill -9` of a Sentinel-monitored master loses, with and
/// without `WAIT 1` (docs/scaling.md). Prints; runs only with `BLUEPRINT_MEASURE_FAILOVER_LOSS=1`
/// (scripts/measure-failover-loss.sh). Each round has a private master + replica + 3 sentinels.
@Suite(
    "Acknowledged-write loss on a Sentinel kill -9 (measurement)", .serialized,
    .enabled(if: FailoverLossMeasurement.isEnabled && PrivateRedis.executable != nil))
struct SentinelFailoverLossMeasurement {
    @Test(arguments: [nil, 1] as [Int?])
    func acknowledgedWriteLoss(waitReplicas: Int?) async throws {
        for round in 1...FailoverLossMeasurement.rounds {
            try await withPrivateSentinelSet { set in
                var configuration = try set.configuration()
                configuration.commandTimeout = .seconds(10)
                configuration.healthCheckInterval = .seconds(1)
                let report = try await withClient(configuration) { client in
                    try await FailoverLossMeasurement.measure(
                        mode: "Sentinel kill -9 (round \(round))", client: client, key: TestRedis.key(),
                        waitReplicas: waitReplicas
                    ) { markKilled in
                        let old = try await set.master()
                        markKilled()
                        try await old.kill9()
                        try await waitUntil("the sentinels to promote the replica", timeout: .seconds(60)) {
                            (try? await set.masterPort()).map { $0 != old.port } ?? false
                        }
                        // Not restarted: a node restarted without persistence is an empty master until
                        // it is told REPLICAOF, and the client may connect (and read the stream) there
                        // in between. After the failover, WAIT 1 falls short (counted, not acknowledged).
                    }
                }
                print(report)
            }
        }
    }
}
