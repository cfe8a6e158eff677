#!/usr/bin/env bash
# Wall time of POST /v1/databases → state "available" for a 1-node database on one host (the BPMN
# process: plan, ports, etcd user, Patroni config, Swarm service, Patroni bootstrap, users, database),
# next to a baseline measured in the same run: the same image started directly with `docker run`,
# initdb + postgres, until it accepts connections. Prints ratios; numbers go to docs/performance.md.
# Usage: bench/create-database.sh [runs]   (root; needs target/control-plane.jar, Swarm and the image)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
jar=target/control-plane.jar
image=controlplane/postgres:15
bin=/usr/lib/postgresql/15/bin
[[ -f $jar ]] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

work=$(mktemp -d /tmp/cp-bench-XXXX)
port=$(free_port); etcd_client=$(free_port); etcd_peer=$(free_port)
pid=""
cleanup() {
  for s in $(docker service ls -q --filter label=controlplane.database.id 2>/dev/null); do
    name=$(docker service inspect -f '{{index .Spec.Labels "controlplane.database.id"}}' "$s")
    [[ $name == bench-* ]] && docker service rm "$s" >/dev/null || true
  done
  docker rm -f $(docker ps -aq --filter label=cp-bench=baseline) >/dev/null 2>&1 || true
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

CONTROL_PLANE_DATA_DIR="$work/data" CONTROL_PLANE_HTTP__PORT="$port" CONTROL_PLANE_HTTP__BIND_ADDR=127.0.0.1 \
CONTROL_PLANE_HOST_ID=bench-host CONTROL_PLANE_PEER_ADDRESSES=127.0.0.1 CONTROL_PLANE_CLIENT_ADDRESSES=127.0.0.1 \
CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT="$etcd_client" CONTROL_PLANE_ETCD_SERVER__PEER_PORT="$etcd_peer" \
  java -jar "$jar" >"$work/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/version"; do
  kill -0 "$pid" 2>/dev/null || { echo "server died:"; tail -20 "$work/server.log"; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/v1/cluster/init" >/dev/null
api="http://127.0.0.1:$port/v1/databases"

cp_total=0; base_total=0
for i in $(seq "$runs"); do
  db="bench-$i"
  body='{"id":"'$db'","spec":{"database_name":"app","memory":"512MiB","nodes":[{"name":"n1","host_ids":["bench-host"]}],
         "database_users":[{"username":"app","password":"bench","db_owner":true,"attributes":["LOGIN"]}]}}'
  t0=$(now)
  curl -sf -XPOST "$api" -H 'Content-Type: application/json' -d "$body" >/dev/null
  while :; do
    state=$(curl -sf "$api/$db" | json 'd["state"]')
    [[ $state == available ]] && break
    [[ $state == failed ]] && { echo "create failed"; curl -s "$api/$db"; exit 1; }
    sleep 0.1
  done
  t1=$(now)
  cp=$(echo "$t1 - $t0" | bc -l)
  curl -sf -XDELETE "$api/$db" >/dev/null
  until [[ $(curl -s -o /dev/null -w '%{http_code}' "$api/$db") == 404 ]]; do sleep 0.5; done

  # baseline: the same image, one container, initdb + postgres, until it accepts connections
  pgport=$(free_port); dir="$work/baseline-$i"; mkdir -p "$dir"; chown 100:102 "$dir"
  t0=$(now)
  docker run -d --label cp-bench=baseline --network host --user 100:102 -e LANG=C.UTF-8 -v "$dir:/data" "$image" \
    sh -c "$bin/initdb -D /data/pgdata --data-checksums -E UTF8 --locale=C.UTF-8 >/dev/null &&
           exec $bin/postgres -D /data/pgdata -p $pgport -k /data -c listen_addresses=127.0.0.1" >/dev/null
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$pgport"; do sleep 0.1; done
  t1=$(now)
  base=$(echo "$t1 - $t0" | bc -l)
  docker rm -f $(docker ps -aq --filter label=cp-bench=baseline) >/dev/null

  printf 'run %d: docker run + initdb + start %.2f s, control plane create → available %.2f s (%.1fx)\n' \
    "$i" "$base" "$cp" "$(echo "$cp / $base" | bc -l)"
  cp_total=$(echo "$cp_total + $cp" | bc -l); base_total=$(echo "$base_total + $base" | bc -l)
done
printf 'mean of %d: baseline %.2f s, create-database %.2f s, ratio %.1fx (%s cores)\n' "$runs" \
  "$(echo "$base_total / $runs" | bc -l)" "$(echo "$cp_total / $runs" | bc -l)" \
  "$(echo "$cp_total / $base_total" | bc -l)" "$(nproc)"
