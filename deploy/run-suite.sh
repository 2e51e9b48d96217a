#!/usr/bin/env bash
# Sets up and runs the whole suite on this machine with demo data:
#   installs missing Debian packages, builds, starts redis-server and every service on
#   loopback, mints a development token, loads deploy/demo/ through the public APIs, and
#   prints how to call the services. Ctrl-C (or `deploy/run-suite.sh stop`) stops everything.
#
# State lives in var/ (SQLite files, logs, tokens, the PII key); delete it for a fresh start.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VAR="$ROOT/var"
BUILD_DIR="${GAOXIN_BUILD_DIR:-build}"
REDIS_PORT="${GAOXIN_REDIS_PORT:-6379}"
mkdir -p "$VAR/log"

stop_all() {
  for pidfile in "$VAR"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = "stop" ]; then
  stop_all
  echo "stopped"
  exit 0
fi

bash deploy/install-deps.sh
bash deploy/build.sh
BIN="$ROOT/$BUILD_DIR"
stop_all

# Redis: the shared cache. The services keep answering without it.
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --daemonize no >"$VAR/log/redis.log" 2>&1 &
echo $! >"$VAR/redis.pid"

# A development token with every role, stored only as its SHA-256 in the tokens file.
if [ ! -s "$VAR/dev-token" ]; then
  "$BIN/tools/gaoxinctl/gaoxinctl" token new dev admin >"$VAR/token.out"
  sed -n 's/^token: //p' "$VAR/token.out" >"$VAR/dev-token"
  sed -n 's/^tokens-file line: //p' "$VAR/token.out" >"$VAR/tokens"
  rm -f "$VAR/token.out"
  chmod 600 "$VAR/dev-token" "$VAR/tokens"
fi
# The petition service's key for personal data (AES-256-GCM), never in the repository.
if [ ! -s "$VAR/pii.key" ]; then
  head -c 32 /dev/urandom >"$VAR/pii.key"
  chmod 600 "$VAR/pii.key"
fi
# The key page tokens are signed with, so tokens survive a restart of a service.
if [ ! -s "$VAR/page-token.key" ]; then
  head -c 32 /dev/urandom >"$VAR/page-token.key"
  chmod 600 "$VAR/page-token.key"
fi
TOKEN="$(cat "$VAR/dev-token")"

COMMON=(--redis="127.0.0.1:$REDIS_PORT" --tokens_file="$VAR/tokens"
  --page_token_key_file="$VAR/page-token.key")
start() {  # name port binary [flags...]
  local name="$1" port="$2" bin="$3"
  shift 3
  if [ ! -x "$bin" ]; then
    echo "skipping $name: $bin not built"
    return
  fi
  "$bin" --listen="127.0.0.1:$port" --db="$VAR/$name.db" "${COMMON[@]}" "$@" \
    >>"$VAR/log/$name.log" 2>&1 &
  echo $! >"$VAR/$name.pid"
}
start leads 50051 "$BIN/services/leads/leads_server"
# Enterprise follows the leads service: leads reaching 入规 become above-scale enterprises.
GAOXIN_LEADS_TOKEN="$TOKEN" start enterprise 50052 "$BIN/services/enterprise/enterprise_server" \
  --leads_addr=127.0.0.1:50051
# Petition asks the enterprise service about USCCs missing from the Redis directory; its token
# goes by environment, not the command line, so it does not show in `ps`.
GAOXIN_ENTERPRISE_TOKEN="$TOKEN" start petition 50053 "$BIN/services/petition/petition_server" \
  --pii_key_file="$VAR/pii.key" --enterprise_addr=127.0.0.1:50052

# Wait until every started service answers.
export GAOXIN_TOKEN="$TOKEN"
for i in $(seq 1 100); do
  if "$BIN/tools/gaoxinctl/gaoxinctl" leads list --page_size=1 >/dev/null 2>&1; then break; fi
  sleep 0.1
done
"$BIN/tools/gaoxinctl/gaoxinctl" demo load --demo_dir="$ROOT/deploy/demo"

cat <<EOT

gaoxin is running on 127.0.0.1 (logs in var/log/, data in var/*.db):
  leads        127.0.0.1:50051  gaoxin.leads.v1.LeadService
  enterprise   127.0.0.1:50052  gaoxin.enterprise.v1.EnterpriseService
  petition     127.0.0.1:50053  gaoxin.petition.v1.PetitionService
  redis        127.0.0.1:$REDIS_PORT

Development token (every role): $TOKEN
  export GAOXIN_TOKEN=$TOKEN
  $BUILD_DIR/tools/gaoxinctl/gaoxinctl leads summary 2023
  $BUILD_DIR/tools/gaoxinctl/gaoxinctl leads list --stage=SIGNED

Stop with Ctrl-C, or from another shell: deploy/run-suite.sh stop
EOT

if [ "${GAOXIN_DETACH:-0}" = "1" ]; then exit 0; fi
trap 'stop_all; echo; echo stopped; exit 0' INT TERM
wait
