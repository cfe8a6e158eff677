#!/usr/bin/env bash
# Wall time of a full backup and of an in-place restore through the API (processes backup-node and
# restore-database, until the task completed and the database is available again) next to baselines
# measured in the same run: the same pgBackRest commands run directly with `docker exec` in the same
# container (a full backup; a restore of the same set into an empty directory plus the start of a
# Postgres on it until it has promoted). Prints ratios; numbers go to docs/performance.md.
# Usage: bench/backup.sh [runs] [pgbench scale]  (root; needs target/control-plane.jar, Swarm and the image)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-3}"
scale="${2:-10}"
jar=target/control-plane.jar
bin=/usr/lib/postgresql/15/bin
conf=/opt/controlplane/configs/pgbackrest.backup.conf
[[ -f $jar ]] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

work=$(mktemp -d /tmp/cp-bench-backup-XXXX)
chmod 755 "$work"; mkdir -m 755 "$work/repo"
port=$(free_port); etcd_client=$(free_port); etcd_peer=$(free_port)
pid=""
cleanup() {
  for s in $(docker service ls -q --filter label=controlplane.database.id=benchbk 2>/dev/null); do
    docker service rm "$s" >/dev/null || true
  done
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  sleep 2; rm -rf "$work"
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
repo='{"id":"local","type":"posix","base_path":"'$work/repo'"}'
spec='{"database_name":"app","memory":"512MiB","nodes":[{"name":"n1","host_ids":["bench-host"]}],
  "database_users":[{"username":"app","password":"bench","db_owner":true,"attributes":["LOGIN","SUPERUSER"]}],
  "backup_config":{"repositories":['$repo']}}'

wait_task() { # db task_id
  while :; do
    status=$(curl -sf "$api/$1/tasks/$2" | json 'd["status"]')
    [[ $status == completed ]] && return 0
    [[ $status == failed || $status == canceled ]] && { echo "task $2 $status"; curl -s "$api/$1/tasks/$2/log"; exit 1; }
    sleep 0.1
  done
}
wait_available() {
  until [[ $(curl -sf "$api/$1" | json 'd["state"]') == available ]]; do sleep 0.1; done
}
task_of() { json 'd["task"]["task_id"]'; }

task=$(curl -sf -XPOST "$api" -H 'Content-Type: application/json' -d '{"id":"benchbk","spec":'"$spec"'}' | task_of)
wait_task benchbk "$task"; wait_available benchbk
pgport=$(curl -sf "$api/benchbk" | json 'd["instances"][0]["connection_info"]["port"]')
PGPASSWORD=bench "$bin/pgbench" -q -i -s "$scale" -h 127.0.0.1 -p "$pgport" -U app app >/dev/null 2>&1
size=$(PGPASSWORD=bench "$bin/psql" -Atq -h 127.0.0.1 -p "$pgport" -U app app -c "select pg_size_pretty(pg_database_size('app'))")
container=$(docker ps -q --filter label=controlplane.database.id=benchbk | head -1)
# the stanza exists after the first backup; neither side pays for stanza-create in the timed runs
task=$(curl -sf -XPOST "$api/benchbk/nodes/n1/backups" -H 'Content-Type: application/json' -d '{"type":"full"}' | task_of)
wait_task benchbk "$task"
echo "database app: $size (pgbench scale $scale)"

sum() { echo "$1 + $2" | bc -l; }
api_b=0; dir_b=0; api_r=0; dir_r=0
for i in $(seq "$runs"); do
  t0=$(now)
  task=$(curl -sf -XPOST "$api/benchbk/nodes/n1/backups" -H 'Content-Type: application/json' -d '{"type":"full"}' | task_of)
  wait_task benchbk "$task"
  t1=$(now); ab=$(echo "$t1 - $t0" | bc -l)

  t0=$(now)
  docker exec "$container" pgbackrest --config=$conf --stanza=db --type=full backup >/dev/null
  t1=$(now); db=$(echo "$t1 - $t0" | bc -l)
  set_label=$(docker exec "$container" pgbackrest --config=$conf --stanza=db --output=json info | json 'd[0]["backup"][-1]["label"]')

  # direct restore: the same set into an empty directory, then Postgres on it until it promoted
  rport=$(free_port); rdir=/opt/controlplane/data/bench-restore
  t0=$(now)
  docker exec "$container" pgbackrest --config=$conf --stanza=db --pg1-path=$rdir --set="$set_label" --type=immediate \
    --target-action=promote --archive-mode=off restore >/dev/null
  docker exec "$container" $bin/pg_ctl -D $rdir -l $rdir/../bench-restore.log -o "-p $rport -k /tmp -c listen_addresses=127.0.0.1 -c hba_file=$rdir/pg_hba.conf -c ident_file=$rdir/pg_ident.conf" -w start >/dev/null
  until docker exec "$container" sh -c "[ ! -e $rdir/recovery.signal ]"; do sleep 0.1; done
  t1=$(now); dr=$(echo "$t1 - $t0" | bc -l)
  docker exec "$container" $bin/pg_ctl -D $rdir -m immediate stop >/dev/null
  docker exec "$container" rm -rf $rdir $rdir/../bench-restore.log

  # through the API: in place, the same set, until the task completed and the database is available
  body='{"restore_config":{"source_database_id":"benchbk","source_node_name":"n1","source_database_name":"app",
    "repository":'$repo',"restore_options":{"set":"'$set_label'","type":"immediate"}}}'
  t0=$(now)
  task=$(curl -sf -XPOST "$api/benchbk/restore" -H 'Content-Type: application/json' -d "$body" | task_of)
  wait_task benchbk "$task"; wait_available benchbk
  t1=$(now); ar=$(echo "$t1 - $t0" | bc -l)

  # the restore took the node's backup config away (as pgEdge); put it back for the next run (not timed)
  task=$(curl -sf -XPOST "$api/benchbk" -H 'Content-Type: application/json' -d '{"spec":'"$spec"'}' | task_of)
  wait_task benchbk "$task"; wait_available benchbk
  container=$(docker ps -q --filter label=controlplane.database.id=benchbk | head -1)

  printf 'run %d: full backup direct %.2f s, API %.2f s (%.1fx); restore direct %.2f s, API in place %.2f s (%.1fx)\n' \
    "$i" "$db" "$ab" "$(echo "$ab / $db" | bc -l)" "$dr" "$ar" "$(echo "$ar / $dr" | bc -l)"
  api_b=$(sum "$api_b" "$ab"); dir_b=$(sum "$dir_b" "$db"); api_r=$(sum "$api_r" "$ar"); dir_r=$(sum "$dir_r" "$dr")
done
printf 'mean of %d: backup direct %.2f s, API %.2f s, ratio %.1fx; restore direct %.2f s, API %.2f s, ratio %.1fx (%s cores)\n' \
  "$runs" "$(echo "$dir_b / $runs" | bc -l)" "$(echo "$api_b / $runs" | bc -l)" "$(echo "$api_b / $dir_b" | bc -l)" \
  "$(echo "$dir_r / $runs" | bc -l)" "$(echo "$api_r / $runs" | bc -l)" "$(echo "$api_r / $dir_r" | bc -l)" "$(nproc)"
