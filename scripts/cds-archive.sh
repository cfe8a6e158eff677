#!/usr/bin/env bash
# Prepares a control plane jar for a fast start: extracts it (Spring Boot's `jarmode=tools` layout: the
# application jar plus lib/, so classes load from plain jars instead of the nested-jar loader) and
# records an AppCDS archive of every class a host loads (JDK dynamic archive, -XX:ArchiveClassesAtExit)
# with a training run: a server on a throw-away data dir starts, serves Cockpit's login page,
# initializes a cluster (embedded etcd) and stops. Redone whenever the jar, the JVM or
# scripts/jvm.options change; a no-op otherwise.
#
#   scripts/cds-archive.sh [jar]     # default target/control-plane.jar
#
# Result in <jar dir>/cds/: control-plane.jar (start this one), lib/, control-plane.jsa. Start with
#   java $(scripts/cds-archive.sh --java-args [jar])          # prints the options, prepares first
# which is `<scripts/jvm.options> -XX:SharedArchiveFile=<dir>/control-plane.jsa -jar <dir>/control-plane.jar`.
# The training run's log stays in <dir>/training.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
print_args=false
if [[ ${1:-} == --java-args ]]; then
  print_args=true
  shift
fi
jar=$(realpath "${1:-$root/target/control-plane.jar}")
[[ -f $jar ]] || { echo "cds-archive: $jar does not exist; build it first (mvn -DskipTests package)" >&2; exit 1; }
dir=$(dirname "$jar")/cds
java=${JAVA:-java}
mapfile -t jvm_opts < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$root/scripts/jvm.options")

print_java_args() {
  if $print_args; then
    printf '%s\n' "${jvm_opts[@]}" "-XX:SharedArchiveFile=$dir/control-plane.jsa" -jar "$dir/control-plane.jar"
  fi
}

stamp="$(sha256sum "$jar" | cut -d' ' -f1) $(sha256sum "$root/scripts/jvm.options" | cut -d' ' -f1) $("$java" -version 2>&1 | tr '\n' ' ')"
mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if [[ -f $dir/stamp && $(cat "$dir/stamp") == "$stamp" && -f $dir/control-plane.jsa ]]; then
  print_java_args
  exit 0
fi

echo "cds-archive: preparing $jar for a fast start (extract + one training start, about a minute)" >&2
rm -rf "$dir"
# The archive records the class path with its jars' sizes and times: extract in place, never move.
"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >/dev/null

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
  else
    echo $((20000 + RANDOM % 40000))
  fi
}
data=$(mktemp -d)
port=$(free_port)
pid=
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  [[ -f $data/etcd.pid ]] && kill -9 "$(cat "$data/etcd.pid")" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

# Nothing of the caller's configuration: the training host must never touch a shared engine database.
unset_config=()
for v in ${!CONTROL_PLANE_@}; do unset_config+=(-u "$v"); done
env "${unset_config[@]}" \
  CONTROL_PLANE_DATA_DIR="$data" CONTROL_PLANE_HOST_ID=cds-training \
  CONTROL_PLANE_HTTP__BIND_ADDR=127.0.0.1 CONTROL_PLANE_HTTP__PORT="$port" \
  CONTROL_PLANE_PEER_ADDRESSES=127.0.0.1 CONTROL_PLANE_ETCD_MODE=server \
  CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT="$(free_port)" CONTROL_PLANE_ETCD_SERVER__PEER_PORT="$(free_port)" \
  CONTROL_PLANE_LOGGING__LEVEL=warn CONTROL_PLANE_LOGGING__PRETTY=true \
  "$java" "${jvm_opts[@]}" -XX:ArchiveClassesAtExit="$dir/control-plane.jsa" -Xlog:cds=error \
  -jar "$dir/control-plane.jar" run >"$dir/training.log" 2>&1 &
pid=$!
url=http://127.0.0.1:$port
for _ in $(seq 600); do
  curl -sf -o /dev/null "$url/actuator/health/readiness" && break
  kill -0 "$pid" 2>/dev/null || { echo "cds-archive: the training server died; see $dir/training.log" >&2; exit 1; }
  sleep 0.5
done
curl -sf -o /dev/null "$url/actuator/health/readiness" \
  || { echo "cds-archive: the training server did not get ready; see $dir/training.log" >&2; exit 1; }
# What a host does first: Cockpit's login page, the API, a cluster with the embedded etcd (the classes of
# jetcd, gRPC and Netty that every restart of an initialized host loads).
curl -s -o /dev/null "$url/camunda/app/cockpit/default/" || true
curl -s -o /dev/null "$url/v1/version" || true
if curl -sf -o /dev/null "$url/v1/cluster/init?cluster_id=cds-training"; then
  curl -s -o /dev/null "$url/v1/hosts" || true
else
  echo "cds-archive: cluster init failed in the training run (no etcd?); the archive covers a fresh host only" >&2
fi
kill -TERM "$pid"
wait "$pid" || true   # the JVM writes the archive while it exits
pid=
[[ -f $dir/control-plane.jsa ]] || { echo "cds-archive: no archive written; see $dir/training.log" >&2; exit 1; }
echo "$stamp" >"$dir/stamp"
print_java_args
