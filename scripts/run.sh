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
# node_modules: the web UI's BPMN viewer (bpmn-js) is bundled into the jar from there
cp_ensure_bpmnlint

echo "building the server (mvn package)..."
mvn -q -B -DskipTests package

export CONTROL_PLANE_DATA_DIR="${CONTROL_PLANE_DATA_DIR:-$PWD/.cp-data}"
export CONTROL_PLANE_HTTP__BIND_ADDR="${CONTROL_PLANE_HTTP__BIND_ADDR:-127.0.0.1}"
export CONTROL_PLANE_PEER_ADDRESSES="${CONTROL_PLANE_PEER_ADDRESSES:-127.0.0.1}"
export CONTROL_PLANE_LOGGING__PRETTY="${CONTROL_PLANE_LOGGING__PRETTY:-true}"
mkdir -p "$CONTROL_PLANE_DATA_DIR"
# The options of scripts/jvm.options and a class-data archive for a fast start (docs/performance.md);
# redone only when the jar changed. CONTROL_PLANE_JAVA_OPTS come after ours, so they win.
if args=$(scripts/cds-archive.sh --java-args target/control-plane.jar); then
  mapfile -t java_args <<<"$args"
else
  echo "warning: no start-up archive (see above); starting the plain jar" >&2
  mapfile -t java_args < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' scripts/jvm.options)
  java_args+=(-jar target/control-plane.jar)
fi
n=${#java_args[@]}
echo "starting the control plane (data dir $CONTROL_PLANE_DATA_DIR); Ctrl-C stops it"
# shellcheck disable=SC2086 # CONTROL_PLANE_JAVA_OPTS is a list of options
exec java "${java_args[@]:0:n-2}" ${CONTROL_PLANE_JAVA_OPTS:-} "${java_args[@]:n-2}" run
