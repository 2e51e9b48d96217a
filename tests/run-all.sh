#!/usr/bin/env bash
# Sets up and runs every test: installs missing Debian packages, builds, and runs CTest
# (unit, integration against real SQLite and redis-server, end-to-end against the real server
# binaries, including the hostile-input suites, once on SQLite and once on PostgreSQL), then the
# sanitizer builds and the fuzzers
# (tests/sanitize.sh: ASan+UBSan+LSan over unit/integration/e2e, every libFuzzer target for
# GAOXIN_FUZZ_SECONDS, TSan over the store and watch tests). Tests start their own redis-server
# and servers on free loopback ports; one throwaway PostgreSQL cluster (deploy/local-postgres.sh,
# in a temporary folder, as the unprivileged postgres user) serves the whole run and is removed
# at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${GAOXIN_BUILD_DIR:-build}"
bash deploy/install-deps.sh
bash deploy/build.sh

PG_DIR="$(mktemp -d /tmp/gaoxin-test-postgres-XXXXXX)/pg"
trap 'bash deploy/local-postgres.sh remove "$PG_DIR"; rmdir "$(dirname "$PG_DIR")" 2>/dev/null || true' EXIT
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
bash deploy/local-postgres.sh init "$PG_DIR" "$PG_PORT"
bash deploy/local-postgres.sh start "$PG_DIR"
export GAOXIN_TEST_POSTGRES_DIR="$PG_DIR"

(cd "$BUILD_DIR" && ctest --output-on-failure -j "${GAOXIN_TEST_JOBS:-2}" --timeout 300)
bash tests/sanitize.sh
