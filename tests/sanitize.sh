#!/usr/bin/env bash
# The sanitizer and fuzzing part of the test command (tests/run-all.sh runs it after the plain
# build's tests). Two extra clang-14 builds, each only of what it tests:
#   build-asan: ASan + UBSan (+ LeakSanitizer) and libFuzzer coverage; runs the unit,
#               integration and end-to-end tests, then every fuzzer for GAOXIN_FUZZ_SECONDS.
#   build-tsan: ThreadSanitizer; runs the watch and store tests.
#
#   bash tests/sanitize.sh            # both
#   GAOXIN_SANITIZERS=address bash tests/sanitize.sh   # one; GAOXIN_SANITIZERS= for none
set -euo pipefail
cd "$(dirname "$0")/.."
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1
JOBS="${GAOXIN_JOBS:-$(nproc)}"
TEST_JOBS="${GAOXIN_TEST_JOBS:-2}"
# Every finding ends the process with a failure, and its report is also written under
# <build>/sanitizer-reports/: servers that tests start and stop are sanitized too, and a leak
# found as a server exits would otherwise go unnoticed by a test that ignores its exit code.
sanitizer_env() {  # <build dir> <address|thread>
  local reports="$PWD/$1/sanitizer-reports"
  rm -rf "$reports" && mkdir -p "$reports"
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS TSAN_OPTIONS
  if [ "$2" = address ]; then
    export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:log_path=$reports/asan"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan"
    export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
  else
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$PWD/tests/sanitizers/tsan.supp"
  fi
}

# Fails, printing them, when any process of the run left a report.
check_reports() {  # <build dir>
  local reports="$PWD/$1/sanitizer-reports"
  if compgen -G "$reports/*" >/dev/null; then
    echo "sanitize.sh: sanitizer reports in $reports:" >&2
    for f in "$reports"/*; do echo "--- $f" >&2; head -n 80 "$f" >&2; done
    return 1
  fi
  echo "sanitize.sh: no sanitizer reports from any process in $1"
}

configure() {  # <dir> <sanitizer> [extra cmake args]
  local dir="$1" san="$2"
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++-14 \
    -DGAOXIN_SANITIZE="$san" "$@" >/dev/null
}

failed=0
# The tests that measure a server's resident memory: a sanitizer's own bookkeeping (ASan's
# quarantine of freed memory, TSan's shadow) is what they would measure. They run in the plain
# build; LeakSanitizer checks every process for leaks instead.
MEMORY_TESTS='DoNotGrowServerMemory|LeaveServerMemoryFlat'
run_ctest() {  # <build dir> <ctest args...>: a failure is recorded, the run goes on
  local dir="$1"
  shift
  (cd "$dir" && ctest --output-on-failure -j "$TEST_JOBS" "$@") || failed=1
}

for san in ${GAOXIN_SANITIZERS-address thread}; do
  case "$san" in
    address)
      configure build-asan address -DGAOXIN_FUZZ=ON
      ninja -C build-asan -j "$JOBS"
      sanitizer_env build-asan address
      # The end-to-end suites once (on SQLite): their PostgreSQL runs exercise the same server
      # code, and the PostgreSQL store itself is under ASan through the store-contract tests.
      run_ctest build-asan --timeout 600 -L 'unit|integration|e2e' -LE postgresql \
        -E "$MEMORY_TESTS"
      run_ctest build-asan -L fuzz
      check_reports build-asan || failed=1
      ;;
    thread)
      configure build-tsan thread
      # Only what the TSan run tests: the store/feed tests and the watch end-to-end tests
      # (which start the servers, also built with TSan).
      ninja -C build-tsan -j "$JOBS" store_integration_test petition_store_test \
        enterprise_store_test leads_watch_e2e_test enterprise_watch_e2e_test petition_watch_e2e_test
      sanitizer_env build-tsan thread
      run_ctest build-tsan --timeout 600 -L integration --no-tests=error
      run_ctest build-tsan --timeout 600 -L e2e -LE postgresql -R 'Watch' -E "$MEMORY_TESTS" \
        --no-tests=error
      check_reports build-tsan || failed=1
      ;;
    *) echo "sanitize.sh: unknown sanitizer '$san'" >&2; exit 2 ;;
  esac
done
exit "$failed"
