#!/usr/bin/env bash
# Fuzzes the RESP decoder with libFuzzer for FUZZ_SECONDS (default 600).
#
# Builds RESPFuzzer with `-sanitize=fuzzer,address -DFUZZING` in its own scratch path (.build-fuzz,
# so the normal build is untouched), seeds a working corpus from the committed fuzz/corpus, and
# runs with -max_len=4096. Crash reproducers land in fuzz-artifacts/ (gitignored); replay one with
# `swift run RESPFuzzer fuzz-artifacts/crash-...`. The run's log is fuzz-artifacts/fuzz.log. Exits non-zero when libFuzzer found a crash.
#
# Environment: FUZZ_SECONDS (default 600), FUZZ_JOBS (parallel fuzzing processes, default 1),
# extra libFuzzer flags as arguments: `bash scripts/fuzz-resp.sh -only_ascii=1`. fuzz/resp.dict gives
# libFuzzer the RESP tokens.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-600}
FUZZ_JOBS=${FUZZ_JOBS:-1}
ARTIFACTS=fuzz-artifacts
SCRATCH=.build-fuzz

echo "==> building RESPFuzzer with libFuzzer + AddressSanitizer (scratch path $SCRATCH)"
swift build --scratch-path "$SCRATCH" -c release --product RESPFuzzer \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library
BIN="$(swift build --scratch-path "$SCRATCH" -c release --show-bin-path)/RESPFuzzer"

# libFuzzer adds what it finds to the first corpus directory: keep that one out of git and read
# the committed seeds from the second.
mkdir -p "$ARTIFACTS/corpus"
STAMP="$ARTIFACTS/.started"
touch "$STAMP"
FLAGS=(-max_len=4096 -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 -dict=fuzz/resp.dict
  -artifact_prefix="$ARTIFACTS/")
[ "$FUZZ_JOBS" -gt 1 ] && FLAGS+=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")

echo "==> fuzzing for ${FUZZ_SECONDS}s ($FUZZ_JOBS job(s)); crashes go to $ARTIFACTS/"
set +e
"$BIN" "${FLAGS[@]}" "$@" "$ARTIFACTS/corpus" fuzz/corpus 2>&1 | tee "$ARTIFACTS/fuzz.log"
status=${PIPESTATUS[0]}
set -e

# libFuzzer's last status line ("#N DONE cov: C ft: F corp: ...") has the executions and coverage.
grep -E '^#[0-9]+' "$ARTIFACTS/fuzz.log" | tail -1 | sed 's/^/==> final: /' || true

findings=$(find "$ARTIFACTS" -maxdepth 1 -type f -newer "$STAMP" \
  \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort)
echo "==> corpus: $(find "$ARTIFACTS/corpus" -type f | wc -l) inputs; new findings in $ARTIFACTS/: $(echo -n "$findings" | grep -c . || true)"
if [ "$status" -ne 0 ] || [ -n "$findings" ]; then
  echo "$findings"
  echo "==> libFuzzer found a problem (exit $status); reproduce with: swift run RESPFuzzer <file>" >&2
  exit 1
fi
