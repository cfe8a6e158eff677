#!/usr/bin/env bash
# Start-up time and idle RSS of one control plane host (H2 engine database, fresh data dir), next to a
# baseline measured in the same run: the same JVM loading the same jar for the `version` command.
# Prints ratios; numbers go to docs/performance.md. Usage: bench/startup.sh [runs] (needs target/control-plane.jar)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
jar=target/control-plane.jar
[[ -f $jar ]] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }

base_total=0; start_total=0; rss_total=0
for i in $(seq "$runs"); do
  t0=$(now); java -jar "$jar" version >/dev/null; t1=$(now)
  base=$(echo "$t1 - $t0" | bc -l)

  dir=$(mktemp -d); port=$(free_port)
  t0=$(now)
  CONTROL_PLANE_DATA_DIR="$dir" CONTROL_PLANE_HTTP__PORT="$port" CONTROL_PLANE_HTTP__BIND_ADDR=127.0.0.1 \
    java -jar "$jar" >"$dir.out" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/version"; do
    kill -0 "$pid" 2>/dev/null || { echo "server died:"; tail -20 "$dir.out"; exit 1; }
    sleep 0.1
  done
  t1=$(now)
  start=$(echo "$t1 - $t0" | bc -l)
  sleep 10
  rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$dir" "$dir.out"
  printf 'run %d: jvm+jar baseline %.2f s, server answering %.2f s (%.1fx baseline), idle RSS %d MiB\n' \
    "$i" "$base" "$start" "$(echo "$start / $base" | bc -l)" "$((rss_kb / 1024))"
  base_total=$(echo "$base_total + $base" | bc -l); start_total=$(echo "$start_total + $start" | bc -l)
  rss_total=$((rss_total + rss_kb / 1024))
done
printf 'mean of %d: baseline %.2f s, start-up %.2f s, ratio %.1fx, idle RSS %d MiB (default heap, %s cores)\n' \
  "$runs" "$(echo "$base_total / $runs" | bc -l)" "$(echo "$start_total / $runs" | bc -l)" \
  "$(echo "$start_total / $base_total" | bc -l)" "$((rss_total / runs))" "$(nproc)"
