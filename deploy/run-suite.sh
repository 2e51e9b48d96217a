#!/usr/bin/env bash
# Sets up and runs the whole suite on this machine with demo data:
#   installs missing Debian packages, builds, starts redis-server and every service on
#   loopback, mints a development token, loads deploy/demo/ through the public APIs, and
#   prints how to call the services. Ctrl-C (or `deploy/run-suite.sh stop`) stops everything.
#
# Every listener speaks mutual TLS: deploy/make-certs.sh makes a local CA and one certificate per
# service and one for gaoxinctl in var/tls/ (the servers re-read them when they change). Redis
# has an ACL user per service, passwords in var/redis/.
#
# State lives in var/ (SQLite files, logs, tokens, the PII key, certificates, Redis passwords);
# delete it for a fresh start.
#
# GAOXIN_STORE=postgresql runs the same suite scaled out: a local PostgreSQL cluster in
# var/postgres (deploy/local-postgres.sh, port GAOXIN_PG_PORT, default 55432) and two replicas
# of every service on it (the second on port +10: 50061, 50062, 50063), sharing Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
VAR="$ROOT/var"
BUILD_DIR="${GAOXIN_BUILD_DIR:-build}"
REDIS_PORT="${GAOXIN_REDIS_PORT:-6379}"
STORE="${GAOXIN_STORE:-sqlite}"
PG_DIR="$VAR/postgres"
PG_PORT="${GAOXIN_PG_PORT:-55432}"
case "$STORE" in
  sqlite) REPLICAS=1 ;;
  postgresql) REPLICAS=2 ;;
  *) echo "GAOXIN_STORE must be sqlite or postgresql" >&2; exit 2 ;;
esac
mkdir -p "$VAR/log"

stop_all() {
  for pidfile in "$VAR"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then bash "$ROOT/deploy/local-postgres.sh" stop "$PG_DIR"; fi
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

# Redis: the shared cache. The services keep answering without it. Each service is an ACL user
# with its own password (var/redis/<service>) and only its own keys (deploy/redis/make-acl.sh).
mkdir -p "$VAR/redis"
chmod 700 "$VAR/redis"
for user in leads enterprise petition; do
  if [ ! -s "$VAR/redis/$user" ]; then
    (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$VAR/redis/$user")
  fi
done
(umask 077; bash deploy/redis/make-acl.sh "$VAR/redis" >"$VAR/redis/users.acl")
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --aclfile "$VAR/redis/users.acl" --daemonize no >"$VAR/log/redis.log" 2>&1 &
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
# The write audit's HMAC chain key (hex, a key of its own, not the PII key); `gaoxinctl audit
# verify <service> --audit_key_file=var/audit.key` checks a service's chain with it.
if [ ! -s "$VAR/audit.key" ]; then
  openssl rand -hex 32 >"$VAR/audit.key"
  chmod 600 "$VAR/audit.key"
fi
# The key page tokens are signed with, so tokens survive a restart of a service.
if [ ! -s "$VAR/page-token.key" ]; then
  head -c 32 /dev/urandom >"$VAR/page-token.key"
  chmod 600 "$VAR/page-token.key"
fi
TOKEN="$(cat "$VAR/dev-token")"
# Mutual TLS: a local CA, a certificate per service (serving and calling the others) and one
# for gaoxinctl.
TLS="$VAR/tls"
bash deploy/make-certs.sh "$TLS" leads enterprise petition gaoxinctl >/dev/null
export GAOXIN_TLS_CA_FILE="$TLS/ca.crt" GAOXIN_TLS_CERT_FILE="$TLS/gaoxinctl.crt" \
  GAOXIN_TLS_KEY_FILE="$TLS/gaoxinctl.key"

if [ "$STORE" = postgresql ]; then
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    bash deploy/local-postgres.sh init "$PG_DIR" "$PG_PORT"
  fi
  bash deploy/local-postgres.sh start "$PG_DIR"
  PG_PORT="$(cat "$PG_DIR/port")"
fi

COMMON=(--redis="127.0.0.1:$REDIS_PORT" --tokens_file="$VAR/tokens"
  --page_token_key_file="$VAR/page-token.key" --audit_key_file="$VAR/audit.key")
start() {  # name port binary [flags...]: REPLICAS replicas, on port, port+10, ...
  local name="$1" port="$2" bin="$3"
  shift 3
  if [ ! -x "$bin" ]; then
    echo "skipping $name: $bin not built"
    return
  fi
  local store=(--db="$VAR/$name.db")
  local cache=(--redis_user="$name" --redis_password_file="$VAR/redis/$name")
  if [ "$STORE" = postgresql ]; then
    # The password comes from a file, never the command line; each service has its own schema.
    store=(--db="postgresql://gaoxin_test@127.0.0.1:$PG_PORT/gaoxin_test"
      --db_password_file="$PG_DIR/password")
  fi
  local r
  for r in $(seq 1 "$REPLICAS"); do
    local tag="$name"
    [ "$r" -gt 1 ] && tag="$name-$r"
    "$bin" --listen="127.0.0.1:$((port + 10 * (r - 1)))" "${store[@]}" "${cache[@]}" "${COMMON[@]}" \
      --tls_cert_file="$TLS/$name.crt" --tls_key_file="$TLS/$name.key" \
      --tls_client_ca_file="$TLS/ca.crt" --tls_ca_file="$TLS/ca.crt" "$@" \
      >>"$VAR/log/$tag.log" 2>&1 &
    echo $! >"$VAR/$tag.pid"
  done
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

gaoxin is running on 127.0.0.1 (logs in var/log/; store: $STORE, $REPLICAS replica(s) per
service$( [ "$STORE" = postgresql ] && echo ", the second on port +10; PostgreSQL on 127.0.0.1:$PG_PORT" )):
  leads        127.0.0.1:50051  gaoxin.leads.v1.LeadService
  enterprise   127.0.0.1:50052  gaoxin.enterprise.v1.EnterpriseService
  petition     127.0.0.1:50053  gaoxin.petition.v1.PetitionService
  redis        127.0.0.1:$REDIS_PORT  (ACL users leads, enterprise, petition: passwords in var/redis/)

Every port speaks mutual TLS (certificates in var/tls/). Development token (every role):
  export GAOXIN_TOKEN=$TOKEN
  export GAOXIN_TLS_CA_FILE=var/tls/ca.crt GAOXIN_TLS_CERT_FILE=var/tls/gaoxinctl.crt \\
         GAOXIN_TLS_KEY_FILE=var/tls/gaoxinctl.key
  $BUILD_DIR/tools/gaoxinctl/gaoxinctl leads summary 2023
  $BUILD_DIR/tools/gaoxinctl/gaoxinctl leads list --stage=SIGNED
  $BUILD_DIR/tools/gaoxinctl/gaoxinctl audit verify leads --audit_key_file=var/audit.key

Stop with Ctrl-C, or from another shell: deploy/run-suite.sh stop
EOT

if [ "${GAOXIN_DETACH:-0}" = "1" ]; then exit 0; fi
trap 'stop_all; echo; echo stopped; exit 0' INT TERM
wait
