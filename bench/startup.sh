#!/usr/bin/env bash
# Start-up time and idle memory of one control plane host (H2 engine database), next to a baseline
# measured in the same run: the same JVM loading the same jar for the `version` command.
#
#   bench/startup.sh [runs] [variant...]      # needs target/control-plane.jar; default: 3 runs, plain tuned
#
# Variants: `plain`     = `java -jar target/control-plane.jar` without options (how hosts ran before P3b);
#           `tuned`     = how scripts/run.sh and the end-to-end tests start it: scripts/jvm.options, the
#                         extracted jar and its AppCDS archive (scripts/cds-archive.sh prepares them first);
#           `options`   = scripts/jvm.options only (the packaged jar, no archive);
#           `extracted` = scripts/jvm.options and the extracted jar, no archive.
# BENCH_JAVA_OPTS (environment) are added after a variant's options, to measure one more option:
#   BENCH_JAVA_OPTS='-XX:TieredStopAtLevel=4' bench/startup.sh 2 tuned
# For each run and variant: a fresh data dir is started; then the cluster is initialized (embedded etcd),
# the host is stopped and started again on the same data dir (restart). Times are from the process
# start to
#   version  the first 200 from GET /v1/version,
#   ready    the first 200 from GET /actuator/health/readiness (every start-up listener ran: processes
#            deployed, step worker and job executor started, cluster resumed with its etcd),
# then the first load of Cockpit's login page (the page, its scripts and styles, the engine list) and
# RSS after 10 s idle. cpu = CPU seconds the JVM used until ready (depends less than wall time on what
# else runs on a shared machine).
# Everything started is stopped and removed, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
shift || true
variants=("$@")
((${#variants[@]})) || variants=(plain tuned)
jar=target/control-plane.jar
[[ -f $jar ]] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l; }
clk=$(getconf CLK_TCK)

for v in "${variants[@]}"; do
  [[ $v =~ ^(plain|tuned|options|extracted)$ ]] || { echo "unknown variant $v" >&2; exit 1; }
done
# tuned: <jvm.options> -XX:SharedArchiveFile=<archive> -jar <extracted jar>
mapfile -t tuned_args < <(scripts/cds-archive.sh --java-args "$jar")
((${#tuned_args[@]} > 3)) || { echo "scripts/cds-archive.sh failed" >&2; exit 1; }
n=${#tuned_args[@]}
jvm_options=("${tuned_args[@]:0:n-3}")
extracted_jar=${tuned_args[n-1]}

pid=; dir=
cleanup() {
  [[ -n $pid ]] && kill -9 "$pid" 2>/dev/null || true
  if [[ -n $dir ]]; then
    [[ -f $dir/etcd.pid ]] && kill -9 "$(cat "$dir/etcd.pid")" 2>/dev/null || true
    rm -rf "$dir" "$dir.out" "$dir.page"
  fi
}
trap cleanup EXIT

# start VARIANT: starts the server on $dir/$port; sets pid, t_version, t_ready, cpu
start() {
  local t0 t1
  local cmd=(java)
  case $1 in
    plain) cmd+=(-jar "$jar") ;;
    tuned) cmd+=("${tuned_args[@]}") ;;
    options) cmd+=("${jvm_options[@]}" -jar "$jar") ;;
    extracted) cmd+=("${jvm_options[@]}" -jar "$extracted_jar") ;;
  esac
  # shellcheck disable=SC2206 # a list of options
  local extra=(${BENCH_JAVA_OPTS:-})
  if ((${#extra[@]})); then
    local n=${#cmd[@]}
    cmd=("${cmd[@]:0:n-2}" "${extra[@]}" "${cmd[@]:n-2}")
  fi
  t0=$(now)
  CONTROL_PLANE_DATA_DIR="$dir" CONTROL_PLANE_HTTP__PORT="$port" CONTROL_PLANE_HTTP__BIND_ADDR=127.0.0.1 \
    CONTROL_PLANE_PEER_ADDRESSES=127.0.0.1 CONTROL_PLANE_HOST_ID=bench \
    CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT="$etcd_client" CONTROL_PLANE_ETCD_SERVER__PEER_PORT="$etcd_peer" \
    "${cmd[@]}" run >>"$dir.out" 2>&1 &
  pid=$!
  # one probe every 0.1 s: on 2 cores, faster polling takes CPU from the server it measures
  until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/version"; do
    kill -0 "$pid" 2>/dev/null || { echo "server died:"; tail -20 "$dir.out"; exit 1; }
    sleep 0.1
  done
  t1=$(now)
  until curl -sf -o /dev/null "http://127.0.0.1:$port/actuator/health/readiness"; do
    kill -0 "$pid" 2>/dev/null || { echo "server died:"; tail -20 "$dir.out"; exit 1; }
    sleep 0.1
  done
  local t2; t2=$(now)
  cpu=$(awk -v t="$clk" '{printf "%.1f", ($14+$15)/t}' "/proc/$pid/stat")
  t_version=$(secs "$t0" "$t1"); t_ready=$(secs "$t0" "$t2")
}
stop() {
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  # the host stops its etcd member on a graceful stop; make sure of it
  if [[ -f $dir/etcd.pid ]] && kill -0 "$(cat "$dir/etcd.pid")" 2>/dev/null; then
    echo "warning: etcd $(cat "$dir/etcd.pid") outlived the host; killing it" >&2
    kill -9 "$(cat "$dir/etcd.pid")" || true
  fi
}
rss() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status"; }
# cockpit: the first load of Cockpit's login page as a browser does it: the page, the scripts and styles
# it names, and the engine list the app asks for first; prints the page's HTTP status and the seconds
cockpit() {
  local base="http://127.0.0.1:$port" t0 code assets
  t0=$(now)
  code=$(curl -s -o "$dir.page" -w '%{http_code}' "$base/camunda/app/cockpit/default/")
  mapfile -t assets < <(grep -oE '(src|href)="/camunda/[^"]+\?bust=[^"]+"' "$dir.page" | sed -E 's/^[a-z]+="([^"]+)"$/\1/')
  ((${#assets[@]} >= 3)) || code=page-without-scripts
  local args=() a
  for a in "${assets[@]}" /camunda/api/engine/engine/; do args+=(-o /dev/null "$base$a"); done
  curl -sf "${args[@]}" || code=asset-failed
  echo "$code $(secs "$t0" "$(now)")"
}

declare -A sum
add() { sum[$1]=$(echo "${sum[$1]:-0} + $2" | bc -l); }
for i in $(seq "$runs"); do
  t0=$(now); java -jar "$jar" version >/dev/null; t1=$(now)
  base=$(secs "$t0" "$t1"); add base "$base"
  printf 'run %d: baseline (java -jar %s version) %.2f s\n' "$i" "$jar" "$base"
  for v in "${variants[@]}"; do
    dir=$(mktemp -d); port=$(free_port); etcd_client=$(free_port); etcd_peer=$(free_port)
    start "$v"
    read -r code ctime < <(cockpit)
    [[ $code == 200 ]] || { echo "Cockpit answered $code"; tail -20 "$dir.out"; exit 1; }
    sleep 10; mem=$(rss)
    printf '  %-9s fresh:   version %6.2f s (%4.1fx)  ready %6.2f s (%4.1fx)  cpu %5.1f s  Cockpit first load %.2f s  idle RSS %d MiB\n' \
      "$v" "$t_version" "$(echo "$t_version / $base" | bc -l)" "$t_ready" "$(echo "$t_ready / $base" | bc -l)" \
      "$cpu" "$ctime" "$mem"
    add "$v.fresh" "$t_ready"; add "$v.fresh.version" "$t_version"; add "$v.fresh.rss" "$mem"; add "$v.cockpit" "$ctime"
    curl -sf -o /dev/null "http://127.0.0.1:$port/v1/cluster/init?cluster_id=bench" \
      || { echo "cluster init failed"; tail -20 "$dir.out"; exit 1; }
    stop
    start "$v"
    sleep 10; mem=$(rss)
    printf '  %-9s restart: version %6.2f s (%4.1fx)  ready %6.2f s (%4.1fx)  cpu %5.1f s  (cluster initialized)    idle RSS %d MiB\n' \
      "$v" "$t_version" "$(echo "$t_version / $base" | bc -l)" "$t_ready" "$(echo "$t_ready / $base" | bc -l)" \
      "$cpu" "$mem"
    add "$v.restart" "$t_ready"; add "$v.restart.version" "$t_version"; add "$v.restart.rss" "$mem"
    stop
    rm -rf "$dir" "$dir.out" "$dir.page"; dir=
  done
done
mean() { echo "${sum[$1]} / $runs" | bc -l; }
printf 'mean of %d runs (%s cores, load %s%s): baseline %.2f s\n' "$runs" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
  "${BENCH_JAVA_OPTS:+, BENCH_JAVA_OPTS=$BENCH_JAVA_OPTS}" "$(mean base)"
for v in "${variants[@]}"; do
  printf '  %-9s fresh ready %.2f s (%.1fx, version %.2f s), restart ready %.2f s (%.1fx, version %.2f s), Cockpit first load %.2f s, idle RSS fresh %.0f MiB, restart %.0f MiB\n' \
    "$v" "$(mean "$v.fresh")" "$(echo "$(mean "$v.fresh") / $(mean base)" | bc -l)" "$(mean "$v.fresh.version")" \
    "$(mean "$v.restart")" "$(echo "$(mean "$v.restart") / $(mean base)" | bc -l)" "$(mean "$v.restart.version")" \
    "$(mean "$v.cockpit")" "$(mean "$v.fresh.rss")" "$(mean "$v.restart.rss")"
done
