#!/usr/bin/env bash
# How many acknowledged writes an unplanned failover loses (docs/scaling.md, "Failure cases"):
# for a `kill -9` of a Redis Cluster master and of a Sentinel-monitored master, 8 producers XADD
# as fast as they can, with and without `WAIT 1` after each XADD, the master is killed 2 s in,
# writes go on for 2 s after a replica was promoted, then the stream on the new master is
# compared with every entry ID a producer was given. Prints one line per round:
#   acknowledged-write loss, <mode>, <XADD only | XADD + WAIT 1>: lost L of A acknowledged ...
# A measurement, not a check (it never fails on a loss). Starts its own 6-node cluster (the
# Sentinel rounds start a private master + replica + 3 sentinels each).
# Environment: FAILOVER_LOSS_ROUNDS (3 per mode and WAIT setting).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
. scripts/test-servers/redis-cluster.sh

apt_install redis-server redis-tools python3
apt_install_lists scripts/apt/build

WORK=$(mktemp -d "${TMPDIR:-/tmp}/blueprint-failover-loss.XXXXXX")
cleanup() {
  stop_test_redis-cluster "$WORK/cluster"
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "==> swift build --build-tests" >&2
swift build --build-tests >&2
start_test_redis-cluster "$WORK/cluster" >&2
echo "==> load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
export BLUEPRINT_MEASURE_FAILOVER_LOSS=1 FAILOVER_LOSS_ROUNDS=${FAILOVER_LOSS_ROUNDS:-3}
status=0
# One mode at a time (the cluster rounds, then the Sentinel rounds), so they do not share the CPU.
for filter in 'RealClusterTests.FailoverLoss' 'SentinelFailoverLossMeasurement'; do
  swift test --skip-build --filter "$filter" >>"$WORK/test.log" 2>&1 || status=$?
done
grep 'acknowledged-write loss' "$WORK/test.log" || true
if [ "$status" != 0 ]; then
  echo "measurement failed (exit $status):" >&2
  grep -E 'error|failed|Issue' "$WORK/test.log" | head -20 >&2
  exit 1
fi
