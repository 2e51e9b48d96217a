#!/usr/bin/env bash
# Installs the Debian 12 packages the suite needs to build, test and run.
# Idempotent: skips apt entirely when every package is already present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev libgrpc-dev protobuf-compiler-grpc protobuf-compiler libprotobuf-dev
  grpc-proto libabsl-dev
  libhiredis-dev redis-server
  libsqlite3-dev sqlite3
  libssl-dev libpq-dev postgresql-15
  libgtest-dev libgmock-dev googletest
  clang-format
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
)

# Node.js and npm run the offline schema check of the Kubernetes manifests (tests/deploy). A
# machine that already has them (e.g. from NodeSource) keeps its own: Debian's would conflict.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
# postgresql-15 is here for the tests' throwaway clusters (deploy/local-postgres.sh) and local
# scale-out runs: keep Debian's package from creating and starting a system-wide cluster.
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/gaoxin.conf >/dev/null
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
