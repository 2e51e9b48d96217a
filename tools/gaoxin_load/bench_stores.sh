#!/usr/bin/env bash
# The store comparison of docs/BENCHMARKS.md in one run: echo, GetLead and CreateLead (64 clients)
# against leads_server on SQLite, on PostgreSQL with one replica, and on PostgreSQL with two
# replicas behind round-robin, each scenario on a fresh store. Starts (and removes) a throwaway
# PostgreSQL cluster with deploy/local-postgres.sh.
#
#   bash tools/gaoxin_load/bench_stores.sh              # 10 s windows, RPC logging on
#   DURATION_S=20 LOG_RPCS=both bash tools/gaoxin_load/bench_stores.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR="${GAOXIN_BUILD_DIR:-build}"
LOAD="$BUILD_DIR/tools/gaoxin_load/gaoxin_load"
SERVER="$BUILD_DIR/services/leads/leads_server"
DURATION_S="${DURATION_S:-10}"
LOG_RPCS="${LOG_RPCS:-true}"
PG_DIR="$(mktemp -d /tmp/gaoxin-bench-XXXXXX)/pg"
trap 'bash deploy/local-postgres.sh remove "$PG_DIR"' EXIT
PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
bash deploy/local-postgres.sh init "$PG_DIR" "$PG_PORT"
bash deploy/local-postgres.sh start "$PG_DIR"
URI="postgresql://gaoxin_test@127.0.0.1:$PG_PORT/gaoxin_test"
COMMON=(--spawn_server="$SERVER" --scenario=echo,get_lead,create_lead --concurrency=64
  --duration_s="$DURATION_S" --spawn_log_rpcs="$LOG_RPCS")
echo "== SQLite, one replica"
"$LOAD" "${COMMON[@]}"
# A new cluster creates (and zero-fills) its WAL segments as it first fills them; a production
# cluster recycles old ones. Warm it up with a discarded run so the comparison is not of that.
echo "== PostgreSQL warm-up (not a measurement)"
"$LOAD" "${COMMON[@]}" --scenario=create_lead --duration_s=10 --spawn_db="$URI" \
  --spawn_db_password_file="$PG_DIR/password" >/dev/null
echo "== PostgreSQL, one replica"
"$LOAD" "${COMMON[@]}" --spawn_db="$URI" --spawn_db_password_file="$PG_DIR/password"
echo "== PostgreSQL, two replicas"
"$LOAD" "${COMMON[@]}" --spawn_db="$URI" --spawn_db_password_file="$PG_DIR/password" \
  --spawn_replicas=2
