#!/usr/bin/env bash
# A local PostgreSQL cluster on loopback, from Debian's postgresql-15: the tests' throwaway
# clusters and deploy/run-suite.sh's GAOXIN_STORE=postgresql run.
#
#   bash deploy/local-postgres.sh init  DIR PORT [INITDB_ARG...]  # initdb into DIR/data (DIR new
#                                                  # or empty), e.g. --wal-segsize=1 for a small disk
#   bash deploy/local-postgres.sh start DIR        # start (daemonized), wait until it accepts
#   bash deploy/local-postgres.sh stop  DIR        # fast shutdown: sessions are cut
#   bash deploy/local-postgres.sh crash DIR        # immediate shutdown: crash recovery next start
#   bash deploy/local-postgres.sh remove DIR       # stop if running, delete DIR
#
# initdb and postgres refuse to run as root; as root (CI) they run as the unprivileged
# `postgres` user that Debian's package creates. The superuser gaoxin_test has the password in
# DIR/password and TCP connections must give it (scram-sha-256), so tests exercise the password
# path; the stores use the database gaoxin_test. tests/support/postgres_server.{h,cc} drives this
# script for the C++ tests; tests/run-all.sh starts one cluster for the whole run.
set -euo pipefail

cmd="${1:?usage: local-postgres.sh init|start|stop|crash|remove DIR [PORT]}"
dir="${2:?DIR missing}"
bin="${POSTGRES_BIN_DIR:-/usr/lib/postgresql/15/bin}"

as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid=postgres --regid=postgres --clear-groups -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  init)
    port="${3:?PORT missing}"
    shift 3
    mkdir -p "$dir/socket"
    echo "gaoxin-test-password" >"$dir/password"
    echo "$port" >"$dir/port"
    if [ "$(id -u)" -eq 0 ]; then
      chown -R postgres:postgres "$dir"
      # mktemp -d makes 0700 folders: the server user must be able to reach DIR through them.
      parent="$(dirname "$dir")"
      while [ "$parent" != / ] && [ "$parent" != /tmp ]; do
        chmod o+x "$parent"
        parent="$(dirname "$parent")"
      done
    fi
    as_server_user "$bin/initdb" -D "$dir/data" --no-locale --encoding=UTF8 -U gaoxin_test \
      --pwfile="$dir/password" --auth-local=trust --auth-host=scram-sha-256 --no-sync "$@" \
      >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    ;;
  start)
    port="$(cat "$dir/port")"
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c max_connections=500 \
          -c shared_buffers=64MB -c synchronous_commit=on -c log_min_messages=warning" \
      start >/dev/null || { tail -n 30 "$dir/server.log" >&2; exit 1; }
    # The stores' database, once (over the socket: local connections need no password).
    if ! as_server_user psql -h "$dir/socket" -p "$port" -U gaoxin_test -d postgres -Atq \
      -c "SELECT 1 FROM pg_database WHERE datname = 'gaoxin_test'" | grep -q 1; then
      as_server_user psql -h "$dir/socket" -p "$port" -U gaoxin_test -d postgres -q \
        -c "CREATE DATABASE gaoxin_test" >/dev/null
    fi
    ;;
  stop | crash)
    mode=fast
    [ "$cmd" = crash ] && mode=immediate
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server_user "$bin/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null 2>&1 || true
    fi
    ;;
  remove)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_server_user "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "local-postgres.sh: unknown command $cmd" >&2
    exit 2
    ;;
esac
