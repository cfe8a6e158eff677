#!/usr/bin/env bash
# Leader changes of a 2-instance node (n1 on host-1 and host-2: two control plane servers on this
# machine sharing a PostgreSQL engine database), each timed from the request until the new primary
# accepts a write (psql INSERT polled every 50 ms), next to a baseline measured in the same run:
#   switchover:  POST /v1/.../nodes/n1/switchover (process switchover-node)
#                vs Patroni's own POST /switchover {leader, candidate} sent directly to the leader
#   failover:    docker kill -s KILL of the primary's container, then POST /v1/.../nodes/n1/failover
#                (retried while the API still sees a healthy node) vs the same kill followed by
#                Patroni's own POST /failover {candidate}
# Runs alternate API and Patroni; prints each run and the ratio of the means. Numbers go to
# docs/performance.md.
# Usage: bench/ha-switchover.sh [runs]   (root; needs target/control-plane.jar, Swarm, the image,
#        /usr/lib/postgresql/15/bin and psql; run it under `flock /tmp/cp-e2e.lock` on shared machines)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
jar=$PWD/target/control-plane.jar
bin=/usr/lib/postgresql/15/bin
db=benchha
[[ -f $jar ]] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
span() { echo "$2 - $1" | bc -l; }

work=$(mktemp -d /tmp/cp-bench-ha-XXXX)
chmod 755 "$work"
pids=()
engine_port=$(free_port)
cleanup() {
  for s in $(docker service ls -q --filter "label=controlplane.database.id=$db" 2>/dev/null); do
    docker service rm "$s" >/dev/null || true
  done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done
  for f in "$work"/host-*/etcd.pid; do [[ -f $f ]] && kill "$(cat "$f")" 2>/dev/null || true; done
  runuser -u postgres -- "$bin/pg_ctl" -D "$work/engine/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# the engine database the two hosts share (a multi-host cluster needs one)
mkdir -p "$work/engine"; chown postgres:postgres "$work/engine"
runuser -u postgres -- "$bin/initdb" -D "$work/engine/data" -U postgres --auth=trust -E UTF8 >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$work/engine/data" -l "$work/engine/pg.log" -w \
  -o "-p $engine_port -k $work/engine -c listen_addresses=127.0.0.1" start >/dev/null
psql -h 127.0.0.1 -p "$engine_port" -U postgres -qc "create database camunda"

declare -A http
start_host() { # id index
  local id=$1 port; port=$(free_port); http[$id]=$port
  env -i PATH="$PATH" HOME="$HOME" CONTROL_PLANE_DATA_DIR="$work/$id" CONTROL_PLANE_HTTP__PORT="$port" \
    CONTROL_PLANE_HTTP__BIND_ADDR=127.0.0.1 CONTROL_PLANE_HOST_ID="$id" CONTROL_PLANE_PEER_ADDRESSES=127.0.0.1 \
    CONTROL_PLANE_ETCD_MODE=server CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT="$(free_port)" \
    CONTROL_PLANE_ETCD_SERVER__PEER_PORT="$(free_port)" \
    CONTROL_PLANE_RANDOM_PORTS__MIN=$((25900 + 50 * $2)) CONTROL_PLANE_RANDOM_PORTS__MAX=$((25949 + 50 * $2)) \
    CONTROL_PLANE_ENGINE__DATASOURCE__URL="jdbc:postgresql://127.0.0.1:$engine_port/camunda" \
    CONTROL_PLANE_ENGINE__DATASOURCE__USERNAME=postgres CONTROL_PLANE_ENGINE__ADMIN_PASSWORD=bench-admin \
    java -Xmx384m -XX:+UseSerialGC -jar "$jar" >"$work/$id.log" 2>&1 &
  pids+=($!)
  until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/version"; do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "$id died:"; tail -20 "$work/$id.log"; exit 1; }
    sleep 0.5
  done
}
start_host host-1 0
token=$(curl -sf "http://127.0.0.1:${http[host-1]}/v1/cluster/init" | json 'd["token"]')
start_host host-2 1
curl -sf -XPOST "http://127.0.0.1:${http[host-2]}/v1/cluster/join" -H 'Content-Type: application/json' \
  -d '{"token":"'"$token"'","server_urls":["http://127.0.0.1:'"${http[host-1]}"'"]}'
api="http://127.0.0.1:${http[host-1]}/v1/databases"

curl -sf -XPOST "$api" -H 'Content-Type: application/json' -d '{"id":"'$db'","spec":{"database_name":"app",
  "memory":"256MiB","nodes":[{"name":"n1","host_ids":["host-1","host-2"]}],
  "database_users":[{"username":"admin","password":"bench","db_owner":true,"attributes":["LOGIN","SUPERUSER"]}]}}' >/dev/null

# waits until both instances are available with roles (and $1, when given, is the primary in the
# API, so that a run never starts from the monitor's view before the last leader change); prints
# "primary replica"
settled() {
  local out
  for _ in $(seq 1200); do
    out=$(curl -sf "$api/$db" | json '(lambda r: r("primary") + " " + r("replica"))(lambda role: ",".join(i["id"]
      for i in d["instances"] if i["state"]=="available" and (i.get("postgres") or {}).get("role")==role))
      if d["state"]=="available" else ""' || true)
    # exactly one primary and one replica (a monitor status from before the last change shows two primaries)
    if [[ $out =~ ^([^ ,]+)\ ([^ ,]+)$ && ( -z ${1:-} || ${BASH_REMATCH[1]} == "$1" ) ]]; then
      echo "$out"; return
    fi
    sleep 0.2
  done
  echo "database did not settle: $(curl -s "$api/$db")" >&2; exit 1
}
pg_port() { curl -sf "$api/$db" | json "[i['connection_info']['port'] for i in d['instances'] if i['id']=='$1'][0]"; }
patroni_port() { # instance host
  awk '/^restapi:/ {r = 1; next} /^[^ ]/ {r = 0} r && /listen:/ {n = split($2, a, ":"); print a[n]}' \
    "$work/$2/instances/$1/configs/patroni.yaml"
}
host_of() { curl -sf "$api/$db" | json "[i['host_id'] for i in d['instances'] if i['id']=='$1'][0]"; }
write_ok() {
  PGPASSWORD=bench PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$1" -U admin -d app -qAtc \
    "insert into bench_writes default values" >/dev/null 2>&1
}
until_writable() {
  local deadline=$((SECONDS + 180))
  until write_ok "$1"; do
    ((SECONDS < deadline)) || { echo "port $1 not writable after 180 s: $(curl -s "$api/$db")" >&2; exit 1; }
    sleep 0.05
  done
}

pair=$(settled); read -r primary replica <<<"$pair"
PGPASSWORD=bench psql -h 127.0.0.1 -p "$(pg_port "$primary")" -U admin -d app -qc \
  "create table bench_writes (id serial primary key, at timestamptz default now())"

expect=$primary
declare -A total=([api_sw]=0 [pat_sw]=0 [api_fo]=0 [pat_fo]=0)
for i in $(seq "$runs"); do
  for how in api patroni; do
    pair=$(settled "$expect"); read -r primary replica <<<"$pair"
    port=$(pg_port "$replica")
    t0=$(now)
    if [[ $how == api ]]; then
      curl -sf -XPOST "$api/$db/nodes/n1/switchover" -H 'Content-Type: application/json' -d '{}' >/dev/null
    else
      # as patronictl does: to the leader, whose loop then acts at once
      curl -sf -XPOST "http://127.0.0.1:$(patroni_port "$primary" "$(host_of "$primary")")/switchover" \
        -H 'Content-Type: application/json' -d '{"leader":"'"$primary"'","candidate":"'"$replica"'"}' >/dev/null
    fi
    until_writable "$port"
    t=$(span "$t0" "$(now)")
    key=${how:0:3}_sw; total[$key]=$(echo "${total[$key]} + $t" | bc -l)
    printf 'run %d switchover via %-7s: request -> %s writable %.2f s\n' "$i" "$how" "$replica" "$t"
    expect=$replica
  done
  for how in api patroni; do
    pair=$(settled "$expect"); read -r primary replica <<<"$pair"
    port=$(pg_port "$replica")
    ppatroni=$(patroni_port "$replica" "$(host_of "$replica")")
    container=$(docker ps -q --filter "label=controlplane.instance.id=$primary")
    t0=$(now)
    docker kill -s KILL "$container" >/dev/null
    if [[ $how == api ]]; then
      until [[ $(curl -s -o /dev/null -w '%{http_code}' -XPOST "$api/$db/nodes/n1/failover" \
          -H 'Content-Type: application/json' -d '{}') == 200 ]]; do sleep 0.2; done
    else
      curl -s -o /dev/null -XPOST "http://127.0.0.1:$ppatroni/failover" -H 'Content-Type: application/json' \
        -d '{"candidate":"'"$replica"'"}' || true
    fi
    until_writable "$port"
    t=$(span "$t0" "$(now)")
    key=${how:0:3}_fo; total[$key]=$(echo "${total[$key]} + $t" | bc -l)
    printf 'run %d failover   via %-7s: kill -9 -> %s writable %.2f s\n' "$i" "$how" "$replica" "$t"
    expect=$replica
  done
done
mean() { echo "${total[$1]} / $runs" | bc -l; }
printf 'mean of %d: switchover API %.2f s vs Patroni direct %.2f s (%.2fx); failover API %.2f s vs Patroni direct %.2f s (%.2fx); %s cores\n' \
  "$runs" "$(mean api_sw)" "$(mean pat_sw)" "$(echo "$(mean api_sw) / $(mean pat_sw)" | bc -l)" \
  "$(mean api_fo)" "$(mean pat_fo)" "$(echo "$(mean api_fo) / $(mean pat_fo)" | bc -l)" "$(nproc)"
