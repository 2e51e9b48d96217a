#!/usr/bin/env bash
# Sets up and runs every test: installs missing Debian packages, builds, and runs CTest
# (unit, integration against real SQLite and redis-server, end-to-end against the real server
# binaries, including the hostile-input suites), then the sanitizer builds and the fuzzers
# (tests/sanitize.sh: ASan+UBSan+LSan over unit/integration/e2e, every libFuzzer target for
# GAOXIN_FUZZ_SECONDS, TSan over the store and watch tests). Tests start their own redis-server
# and servers on free loopback ports.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${GAOXIN_BUILD_DIR:-build}"
bash deploy/install-deps.sh
bash deploy/build.sh
(cd "$BUILD_DIR" && ctest --output-on-failure -j "${GAOXIN_TEST_JOBS:-2}" --timeout 300)
bash tests/sanitize.sh
