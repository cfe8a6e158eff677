#!/usr/bin/env bash
# Multi-active replication (pglogical mesh) on one host, with baselines measured in the same run:
#  1. latency n1 -> n2: commit on n1 (pg_xact_commit_timestamp) to the row being applied on n2 (an
#     ENABLE ALWAYS trigger stamps clock_timestamp() in the apply transaction), p50/p99 over N rows,
#     next to the client-observed time of the same autocommit INSERT on n1 (the local commit).
#  2. add node: a database of SIZE_MB of rows on n1 (n1 and n2 replicating), then an update that adds n3
#     with source_node n1 (roles, schema and data copied, joined to the mesh), POST to task "completed",
#     next to `pg_dump | pg_restore` of the same database into a new database on n2's Postgres.
# Prints ratios; numbers go to docs/performance.md.
# Usage: bench/replication.sh [size_mb] [latency_rows]   (root; needs target/control-plane.jar, Swarm, the image)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-1024}"
rows="${2:-500}"
jar=target/control-plane.jar
bin=/usr/lib/postgresql/15/bin
[[ -f $jar ]] || { echo "build first: mvn -DskipTests package" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

work=$(mktemp -d /tmp/cp-bench-repl-XXXX)
cp "$jar" "$work/control-plane.jar"
port=$(free_port); etcd_client=$(free_port); etcd_peer=$(free_port)
db=bench-repl
pid=""
cleanup() {
  for s in $(docker service ls -q --filter label=controlplane.database.id="$db" 2>/dev/null); do
    docker service rm "$s" >/dev/null || true
  done
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

CONTROL_PLANE_DATA_DIR="$work/data" CONTROL_PLANE_HTTP__PORT="$port" CONTROL_PLANE_HTTP__BIND_ADDR=127.0.0.1 \
CONTROL_PLANE_HOST_ID=bench-host CONTROL_PLANE_PEER_ADDRESSES=127.0.0.1 CONTROL_PLANE_CLIENT_ADDRESSES=127.0.0.1 \
CONTROL_PLANE_ETCD_SERVER__CLIENT_PORT="$etcd_client" CONTROL_PLANE_ETCD_SERVER__PEER_PORT="$etcd_peer" \
CONTROL_PLANE_RANDOM_PORTS__MIN=27100 CONTROL_PLANE_RANDOM_PORTS__MAX=27199 \
  java -jar "$work/control-plane.jar" >"$work/server.log" 2>&1 &
pid=$!
until curl -sf -o /dev/null "http://127.0.0.1:$port/v1/version"; do
  kill -0 "$pid" 2>/dev/null || { echo "server died:"; tail -20 "$work/server.log"; exit 1; }
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/v1/cluster/init" >/dev/null
api="http://127.0.0.1:$port/v1/databases"

spec() { # nodes as JSON
  echo '{"database_name":"app","memory":"512MiB","nodes":['"$1"'],
         "database_users":[{"username":"admin","password":"bench","db_owner":true,"attributes":["LOGIN","SUPERUSER"]}]}'
}
wait_task() { # task id -> seconds until it ended (fails unless completed)
  local t0 task status
  t0=$1; task=$2
  while :; do
    status=$(curl -sf "$api/$db/tasks/$task" | json 'd["status"]')
    [[ $status == completed ]] && break
    [[ $status == failed || $status == canceled ]] && { echo "task $task $status"; curl -s "$api/$db/tasks/$task/log"; exit 1; }
    sleep 0.2
  done
  echo "$(now) - $t0" | bc -l
}
primary_port() { # node -> port of its instance
  curl -sf "$api/$db" | json "[i['connection_info']['port'] for i in d['instances'] if i['node_name']=='$1'][0]"
}
psqln() { PGPASSWORD=bench "$bin/psql" -X -q -At -h 127.0.0.1 -U admin -p "$1" -d "${3:-app}" -v ON_ERROR_STOP=1 -c "$2"; }

t0=$(now)
task=$(curl -sf -XPOST "$api" -H 'Content-Type: application/json' \
  -d '{"id":"'$db'","spec":'"$(spec '{"name":"n1","host_ids":["bench-host"]},{"name":"n2","host_ids":["bench-host"]}')"'}' \
  | json 'd["task"]["task_id"]')
printf 'create 2-node database: %.1f s\n' "$(wait_task "$t0" "$task")"
p1=$(primary_port n1); p2=$(primary_port n2)

# ---- 1. latency
psqln "$p1" "CREATE TABLE lat (id int PRIMARY KEY, received_at timestamptz)"
until [[ $(psqln "$p2" "SELECT count(*) FROM pg_tables WHERE tablename = 'lat'") == 1 ]]; do sleep 0.1; done
psqln "$p2" "SET ddlrep.enabled = off;
  CREATE FUNCTION lat_stamp() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.received_at := clock_timestamp(); RETURN NEW; END \$\$;
  CREATE TRIGGER lat_stamp BEFORE INSERT ON lat FOR EACH ROW EXECUTE FUNCTION lat_stamp();
  ALTER TABLE lat ENABLE ALWAYS TRIGGER lat_stamp;"
{ echo '\timing on'; for i in $(seq 0 $((rows - 1))); do
    echo "INSERT INTO lat (id) VALUES ($i);"; echo 'SELECT pg_sleep(0.02) \g /dev/null'; done; } >"$work/lat.sql"
# psql's \timing: the client-observed time of each autocommit INSERT (the baseline); every second line is the sleep
PGPASSWORD=bench "$bin/psql" -X -At -h 127.0.0.1 -U admin -p "$p1" -d app -v ON_ERROR_STOP=1 -f "$work/lat.sql" \
  | grep '^Time:' | awk 'NR % 2 == 1 {print $2}' >"$work/local.txt"
until [[ $(psqln "$p2" "SELECT count(*) FROM lat") == "$rows" ]]; do sleep 0.2; done
psqln "$p1" "SELECT id, extract(epoch FROM pg_xact_commit_timestamp(xmin)) FROM lat ORDER BY id" >"$work/sent.txt"
psqln "$p2" "SELECT id, extract(epoch FROM received_at) FROM lat ORDER BY id" >"$work/received.txt"
python3 - "$work" <<'EOF'
import sys
w = sys.argv[1]
def pct(v, p):
    v = sorted(v); return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
sent = dict(l.split('|') for l in open(w + '/sent.txt').read().split())
recv = dict(l.split('|') for l in open(w + '/received.txt').read().split())
repl = [(float(recv[k]) - float(sent[k])) * 1000 for k in sent]
local = [float(l) for l in open(w + '/local.txt') if l.strip()]
r50, r99, l50, l99 = pct(repl, 50), pct(repl, 99), pct(local, 50), pct(local, 99)
print(f"latency n1 -> n2 over {len(repl)} rows: p50 {r50:.1f} ms, p99 {r99:.1f} ms;"
      f" baseline local INSERT (autocommit, psql on n1): p50 {l50:.1f} ms, p99 {l99:.1f} ms;"
      f" ratio p50 {r50 / l50:.1f}x, p99 {r99 / l99:.1f}x")
EOF

# ---- 2. add node vs pg_dump | pg_restore
# rows of ~1 KiB text, stored uncompressed (STORAGE EXTERNAL), so the table is about size_mb
n=$(( size_mb * 1024 * 1024 / 1100 ))
t0=$(now)
psqln "$p1" "CREATE TABLE big (id bigint PRIMARY KEY, pad text)"
psqln "$p1" "ALTER TABLE big ALTER COLUMN pad SET STORAGE EXTERNAL"
psqln "$p1" "INSERT INTO big SELECT g, repeat(md5(g::text), 32) FROM generate_series(1, $n) g;"
until [[ $(psqln "$p2" "SELECT count(*) FROM big") == "$n" ]]; do sleep 1; done
size=$(psqln "$p1" "SELECT pg_size_pretty(pg_database_size('app'))")
printf 'loaded %d rows, database %s on n1, replicated to n2: %.1f s\n' "$n" "$size" "$(echo "$(now) - $t0" | bc -l)"

psqln "$p2" "CREATE DATABASE baseline" postgres
t0=$(now)
# the same table, uncompressed (the add copies it uncompressed too), into a fresh database on n2's Postgres
PGPASSWORD=bench "$bin/pg_dump" -h 127.0.0.1 -p "$p1" -U admin -d app -Fc -Z0 -t public.big \
  | PGPASSWORD=bench "$bin/pg_restore" -h 127.0.0.1 -p "$p2" -U admin -d baseline --no-owner
base=$(echo "$(now) - $t0" | bc -l)
[[ $(psqln "$p2" "SELECT count(*) FROM big" baseline) == "$n" ]] || { echo "baseline restore incomplete"; exit 1; }
# DROP DATABASE waits (ProcSignalBarrier) for every backend of n2's Postgres, and pglogical's apply worker
# can sleep without taking the barrier: the drop then hangs until the subscriptions restart (operations.md,
# Replication). Drop in the background; if it still waits after 10 s, restart n2's subscriptions as an
# operator would. Not timed: it runs between the baseline and the add.
psqln "$p2" "DROP DATABASE baseline" postgres & drop=$!
for _ in $(seq 50); do kill -0 "$drop" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$drop" 2>/dev/null; then
  echo "DROP DATABASE baseline waits on: $(psqln "$p2" "SELECT wait_event FROM pg_stat_activity WHERE query LIKE 'DROP DATABASE%'" postgres); restarting n2's subscriptions"
  for sub in $(psqln "$p2" "SELECT sub_name FROM pglogical.subscription"); do
    psqln "$p2" "SELECT pglogical.alter_subscription_disable('$sub', true)" >/dev/null
    psqln "$p2" "SELECT pglogical.alter_subscription_enable('$sub', true)" >/dev/null
  done
fi
wait "$drop"

t0=$(now)
task=$(curl -sf -XPOST "$api/$db" -H 'Content-Type: application/json' -d '{"spec":'"$(spec '{"name":"n1","host_ids":["bench-host"]},{"name":"n2","host_ids":["bench-host"]},{"name":"n3","source_node":"n1","host_ids":["bench-host"]}')"'}' \
  | json 'd["task"]["task_id"]')
add=$(wait_task "$t0" "$task")
p3=$(primary_port n3)
[[ $(psqln "$p3" "SELECT count(*) FROM big") == "$n" ]] || { echo "n3 copy incomplete"; exit 1; }
copy=$(curl -sf "$api/$db/tasks/$task/log" | json "[e['message'] for e in d['entries'] if e['message'].startswith('finished Copy data from source node')][0]")
printf 'add node n3 (%s): update task %.1f s (%s); baseline pg_dump | pg_restore %.1f s; ratio %.2fx (%s cores)\n' \
  "$size" "$add" "$copy" "$base" "$(echo "$add / $base" | bc -l)" "$(nproc)"
