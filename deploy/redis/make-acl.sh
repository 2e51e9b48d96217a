#!/usr/bin/env bash
# Writes the Redis ACL file of the suite (redis-server --aclfile) to stdout: one ACL user per
# service with only the keys and commands that service uses, each with the SHA-256 of its password
# (so the file holds no password), and a default user that may only PING (health probes).
#
#   bash deploy/redis/make-acl.sh DIR > users.acl     # DIR/leads, DIR/enterprise, DIR/petition
#   bash deploy/redis/make-acl.sh --rules             # the rules alone, for reading
#
# Each DIR/<user> holds that user's password, the same file the service gets as
# --redis_password_file (trailing newlines are not part of it, as the servers read it): at least
# 16 printable characters, no spaces. Used by deploy/run-suite.sh (var/redis/), by the Kubernetes
# Secret gaoxin-redis-acl (deploy/k8s/README.md) and by tests/integration/redis_acl_test.cc, which
# checks these very rules against a real redis-server.
#
# The keys and commands, from the code that uses them:
#   gaoxin:<svc>:*                   common/redis/cache.cc          GET, SET ... PX, DEL
#                                    (leads and enterprise have a cache; petition has none)
#   gaoxin:events:<svc>              common/watch/change_feed.cc    XADD ... MAXLEN ~, XREAD BLOCK, XREVRANGE
#   gaoxin:directory:enterprise:*    common/redis/enterprise_directory.cc
#                                    enterprise publishes (SET, DEL), petition only reads (GET)
# Nothing uses pub/sub channels (resetchannels), KEYS/SCAN, FLUSH*, CONFIG or scripts.
set -euo pipefail
export LC_ALL=C

USERS=(leads enterprise petition)
rules() { # user
  case "$1" in
    default) echo "resetkeys resetchannels -@all +ping" ;;
    leads) echo "resetkeys ~gaoxin:leads:* ~gaoxin:events:leads resetchannels -@all +get +set +del +xadd +xread +xrevrange" ;;
    enterprise) echo "resetkeys ~gaoxin:enterprise:* ~gaoxin:events:enterprise ~gaoxin:directory:enterprise:* resetchannels -@all +get +set +del +xadd +xread +xrevrange" ;;
    # %R~: read-only access to the directory (Redis 7 key permissions).
    petition) echo "resetkeys ~gaoxin:events:petition %R~gaoxin:directory:enterprise:* resetchannels -@all +get +xadd +xread +xrevrange" ;;
    *) return 1 ;;
  esac
}

if [ "${1:-}" = "--rules" ]; then
  for u in default "${USERS[@]}"; do echo "user ${u} $(rules "${u}")"; done
  exit 0
fi
if [ $# -ne 1 ] || [ ! -d "$1" ]; then
  echo "usage: $0 DIR > users.acl   (DIR/leads, DIR/enterprise, DIR/petition: the passwords)" >&2
  exit 2
fi
dir="$1"

# No "nopass" user may do more than PING: an unauthenticated connection is the default user.
# Nothing is printed until every password passed: no half-written ACL file.
lines=("user default on nopass $(rules default)")
for u in "${USERS[@]}"; do
  f="${dir}/${u}"
  if [ ! -r "${f}" ]; then
    echo "$0: cannot read ${f}" >&2
    exit 1
  fi
  if [ "$(tr -d '\000' <"${f}" | wc -c)" != "$(wc -c <"${f}")" ]; then
    echo "$0: ${f}: holds a NUL byte" >&2 # bash would drop it and hash another password
    exit 1
  fi
  # All of the file (a trailing "x" keeps command substitution from eating newlines), then the
  # trailing CR/LF stripped exactly as the servers' ReadSecretFile does.
  pw="$(cat "${f}"; printf x)"
  pw="${pw%x}"
  while [[ "${pw}" == *$'\n' || "${pw}" == *$'\r' ]]; do pw="${pw%?}"; done
  if ! [[ "${pw}" =~ ^[[:graph:]]{16,}$ ]]; then
    echo "$0: ${f}: want at least 16 printable characters without spaces" >&2
    exit 1
  fi
  hash="$(printf '%s' "${pw}" | sha256sum | cut -d' ' -f1)"
  lines+=("user ${u} on #${hash} $(rules "${u}")")
done
printf '%s\n' "${lines[@]}"
