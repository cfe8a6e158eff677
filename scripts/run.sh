#!/usr/bin/env bash
# Sets up this machine and runs one control plane host with embedded defaults, in the foreground.
# Prints where the API, Cockpit and UI are once the server answers. Idempotent; run as root.
#
#   ./scripts/run.sh                     # data in ./.cp-data, API on 127.0.0.1:3000
#   CONTROL_PLANE_HTTP__PORT=3001 ./scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/prereqs.sh
source scripts/lib/prereqs.sh

cp_ensure_runtime

echo "building the server (mvn package)..."
mvn -q -B -DskipTests package

export CONTROL_PLANE_DATA_DIR="${CONTROL_PLANE_DATA_DIR:-$PWD/.cp-data}"
export CONTROL_PLANE_HTTP__BIND_ADDR="${CONTROL_PLANE_HTTP__BIND_ADDR:-127.0.0.1}"
export CONTROL_PLANE_PEER_ADDRESSES="${CONTROL_PLANE_PEER_ADDRESSES:-127.0.0.1}"
export CONTROL_PLANE_LOGGING__PRETTY="${CONTROL_PLANE_LOGGING__PRETTY:-true}"
mkdir -p "$CONTROL_PLANE_DATA_DIR"
echo "starting the control plane (data dir $CONTROL_PLANE_DATA_DIR); Ctrl-C stops it"
exec java ${CONTROL_PLANE_JAVA_OPTS:-} -jar target/control-plane.jar run
