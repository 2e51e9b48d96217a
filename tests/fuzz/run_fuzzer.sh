#!/usr/bin/env bash
# Runs one libFuzzer binary for a bounded time from its seed corpus (kept in the repo, never
# written to) and keeps what it learned in a work corpus under the build tree.
#
#   run_fuzzer.sh build-asan/tests/fuzz/uscc_fuzzer tests/fuzz/corpus/uscc 20 build-asan/tests/fuzz/runs/uscc
#
# Exit status is libFuzzer's: non-zero on a crash, a sanitizer report, a leak or a timeout; the
# crashing input is left in the run folder. The last lines of the log (executions, coverage) are
# printed so CTest's log and docs/FUZZING.md can quote them.
set -euo pipefail
fuzzer="$1" seeds="$2" seconds="$3" run="$4"
mkdir -p "$run/corpus" "$seeds"
log="$run/fuzz.log"
status=0
# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a runaway allocation is a bug.
# -max_len: request bodies and rows larger than 64 KiB add nothing the length checks have not.
"$fuzzer" "$run/corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -artifact_prefix="$run/" >"$log" 2>&1 || status=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added)' "$log" || true
if [ "$status" -ne 0 ]; then
  echo "run_fuzzer: $(basename "$fuzzer") failed with status $status; last lines of $log:"
  tail -n 60 "$log"
fi
exit "$status"
