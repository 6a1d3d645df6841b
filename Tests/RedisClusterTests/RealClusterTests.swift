import TestSupport
import Testing

/// Every suite on the shared test cluster (scripts/test-servers/redis-cluster.sh), one test at a
/// time: some move slots and fail masters over, so each test reads the layout when it needs it.
@Suite("Redis Cluster (real servers)", .serialized, .enabled(if: TestServers.shouldRun(TestRedisCluster.isAvailable)))
enum RealClusterTests {}
