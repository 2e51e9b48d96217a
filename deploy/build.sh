#!/usr/bin/env bash
# Configures and builds the suite (Release, Ninja, ccache when present) into ${GAOXIN_BUILD_DIR}.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${GAOXIN_BUILD_DIR:-build}"
# ccache keyed on paths relative to the checkout, so a fresh clone elsewhere (CI) reuses it.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR=1
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${GAOXIN_BUILD_TYPE:-Release}" >/dev/null
# Two jobs: the machines this runs on have 2 cores and gRPC headers are memory-hungry.
ninja -C "$BUILD_DIR" -j "${GAOXIN_JOBS:-$(nproc)}"
