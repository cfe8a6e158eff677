#!/usr/bin/env bash
# Smoke test of the Postgres image, used the way the control plane uses it:
# a throwaway etcd 3.4 on the host, two Patroni members of scope smoke:n1 as
# Docker Swarm services (host network, bind mounts owned by the image's
# postgres uid:gid), a write on the primary, a streaming replica,
# CREATE EXTENSION pglogical and pgBackRest inside the container.
#
#   bash swarm/image/smoke-test.sh [IMAGE]      # default controlplane/postgres:15
#
# Needs root, a running engine in an active swarm (cp_ensure_docker), etcd
# (cp_ensure_etcd) and psql on the host. Uses only 127.0.0.1 and ports the
# kernel hands out as free. Everything it creates (services, containers, temp
# dir, the etcd process) is removed on exit, also on failure.
# Exit code 0 only if every check passed.
set -euo pipefail

IMAGE=${1:-${CP_SMOKE_IMAGE:-controlplane/postgres:15}}
RUN_ID="cpsmoke-$$"
SCOPE="smoke:n1"
WAIT_WRITABLE=${CP_SMOKE_WAIT_WRITABLE:-120}
WAIT_STREAMING=${CP_SMOKE_WAIT_STREAMING:-180}
T_START=$EPOCHREALTIME
WORK=""
ETCD_PID=""
SERVICES=()
SUPERPW=""

now() { printf '%s' "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'; }
log() { printf '[smoke %7ss] %s\n' "$(since "$T_START")" "$*"; }
fail() {
  printf 'smoke-test: FAIL: %s\n' "$*" >&2
  exit 1
}

# pg PORT SQL: run SQL as postgres over TCP on 127.0.0.1; prints the result.
pg() {
  PGPASSWORD=$SUPERPW PGCONNECT_TIMEOUT=2 psql -h 127.0.0.1 -p "$1" -U postgres -d postgres \
    -XAtq -v ON_ERROR_STOP=1 -c "$2"
}

# container_of SERVICE: id of the running container of a service's task.
container_of() {
  docker ps -q --filter "label=com.docker.swarm.service.name=$1" --filter status=running | head -n 1
}

diagnostics() {
  local svc cid
  printf -- '--- diagnostics (%s) ---\n' "$RUN_ID" >&2
  for svc in "${SERVICES[@]}"; do
    docker service ps --no-trunc --format '{{.Name}} {{.CurrentState}} {{.Error}}' "$svc" >&2 2>&1 || true
    while read -r cid; do
      [[ -n $cid ]] || continue
      printf -- '--- last log lines of %s container %s ---\n' "$svc" "$cid" >&2
      timeout 10 docker logs --tail 25 "$cid" >&2 2>&1 || true
    done < <(docker ps -aq --filter "label=com.docker.swarm.service.name=$svc")
  done
  if [[ -n $WORK && -f $WORK/etcd.log ]]; then
    printf -- '--- last etcd log lines ---\n' >&2
    tail -n 10 "$WORK/etcd.log" >&2 || true
  fi
}

cleanup() {
  local rc=$? i left
  set +e
  trap - EXIT INT TERM
  ((rc == 0)) || diagnostics
  if ((${#SERVICES[@]} > 0)); then
    # Replica first, then the leader; etcd stays up so Patroni stops cleanly.
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
      docker service rm "${SERVICES[i]}" >/dev/null 2>&1
    done
    for _ in $(seq 1 120); do
      left=$(docker ps -aq --filter "label=io.controlplane.smoke=$RUN_ID")
      [[ -z $left ]] && break
      sleep 0.5
    done
    left=$(docker ps -aq --filter "label=io.controlplane.smoke=$RUN_ID")
    if [[ -n $left ]]; then
      # shellcheck disable=SC2086 # one id per word
      docker rm -f $left >/dev/null 2>&1
    fi
  fi
  if [[ -n $ETCD_PID ]] && kill -0 "$ETCD_PID" 2>/dev/null; then
    kill -TERM "$ETCD_PID" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$ETCD_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -0 "$ETCD_PID" 2>/dev/null && kill -KILL "$ETCD_PID" 2>/dev/null
    wait "$ETCD_PID" 2>/dev/null
  fi
  if [[ -n $WORK && -d $WORK ]]; then
    rm -rf --one-file-system "$WORK"
  fi
  if ((rc == 0)); then
    log "cleaned up: services, containers, etcd (pid $ETCD_PID), $WORK"
  else
    printf 'smoke-test: cleaned up after failure (exit %d)\n' "$rc" >&2
  fi
  exit "$rc"
}

label() {
  docker image inspect --format "{{ index .Config.Labels \"$1\" }}" "$IMAGE"
}

# N distinct ports that are free on 127.0.0.1 right now.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print("\n".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

# write_member NAME PG_PORT REST_PORT: conf and data dirs of one member.
write_member() {
  local name=$1 pgport=$2 restport=$3 dir=$WORK/$1
  mkdir -p "$dir/conf" "$dir/data"
  cat >"$dir/conf/patroni.yml" <<EOF
scope: "$SCOPE"
namespace: /patroni/
name: $name
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$restport
  connect_address: 127.0.0.1:$restport
etcd3:
  hosts: 127.0.0.1:$ETCD_CLIENT_PORT
bootstrap:
  dcs:
    ttl: 10
    loop_wait: 2
    retry_timeout: 4
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      parameters:
        wal_level: logical
        hot_standby: "on"
        max_connections: 100
        max_worker_processes: 16
        max_wal_senders: 10
        max_replication_slots: 10
        wal_keep_size: 128MB
        wal_log_hints: "on"
        track_commit_timestamp: "on"
        shared_preload_libraries: pglogical
  initdb:
    - encoding: UTF8
    - data-checksums
    - auth-local: trust
    - auth-host: scram-sha-256
postgresql:
  listen: 127.0.0.1:$pgport
  connect_address: 127.0.0.1:$pgport
  data_dir: /srv/pg/data
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: /srv/pg/pgpass
  pg_hba:
    - local all all trust
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
  authentication:
    superuser:   {username: postgres,   password: "$SUPERPW"}
    replication: {username: replicator, password: "$REPLPW"}
    rewind:      {username: rewinder,   password: "$REWINDPW"}
  parameters:
    unix_socket_directories: /srv/pg
tags: {nofailover: false, noloadbalance: false, clonefrom: false, nosync: false}
EOF
  chown -R "$PG_UID:$PG_GID" "$dir/conf" "$dir/data"
  chmod 700 "$dir/conf" "$dir/data"
  chmod 600 "$dir/conf/patroni.yml"
}

# create_service NAME REST_PORT: the member as a Swarm service (patroni-swarm.md §6).
create_service() {
  local name=$1 restport=$2 svc="$RUN_ID-$1" out
  SERVICES+=("$svc")
  # --no-resolve-image: a local image; never ask a registry for its digest.
  if ! out=$(docker service create -d --no-resolve-image --name "$svc" \
    --label "io.controlplane.smoke=$RUN_ID" --container-label "io.controlplane.smoke=$RUN_ID" \
    --network host \
    --user "$PG_UID:$PG_GID" \
    --mount "type=bind,src=$WORK/$name/conf,dst=/etc/patroni,readonly" \
    --mount "type=bind,src=$WORK/$name/data,dst=/srv/pg" \
    --env LANG=C.UTF-8 \
    --restart-condition any --restart-delay 5s --stop-grace-period 20s \
    --health-cmd "python3 -c \"import urllib.request; urllib.request.urlopen('http://127.0.0.1:$restport/liveness', timeout=3)\"" \
    --health-interval 5s --health-timeout 5s --health-retries 3 --health-start-period 60s \
    "$IMAGE" patroni /etc/patroni/patroni.yml 2>&1); then
    fail "docker service create $svc: $out"
  fi
}

wait_healthy() {
  local svc=$1 deadline=$((SECONDS + 60)) cid state=""
  while ((SECONDS < deadline)); do
    cid=$(container_of "$svc")
    if [[ -n $cid ]]; then
      state=$(docker inspect --format '{{.State.Health.Status}}' "$cid" 2>/dev/null || true)
      [[ $state == healthy ]] && return 0
    fi
    sleep 1
  done
  fail "$svc not healthy after 60s (health: ${state:-no container})"
}

main() {
  local -a ports
  local t0 t_writable t_streaming deadline n out cid ext repl

  [[ $EUID -eq 0 ]] || fail "must run as root"
  docker info >/dev/null 2>&1 || fail "the Docker engine does not answer (run cp_ensure_docker)"
  [[ $(docker info --format '{{.Swarm.LocalNodeState}}') == active ]] || fail "swarm is not active (run cp_ensure_docker)"
  command -v etcd >/dev/null 2>&1 || fail "etcd is missing (run cp_ensure_etcd)"
  command -v psql >/dev/null 2>&1 || fail "psql is missing"
  docker image inspect "$IMAGE" >/dev/null 2>&1 || fail "image $IMAGE is missing (run swarm/image/build.sh)"
  PG_UID=$(label io.controlplane.postgres.uid)
  PG_GID=$(label io.controlplane.postgres.gid)
  [[ $PG_UID =~ ^[0-9]+$ && $PG_GID =~ ^[0-9]+$ ]] || fail "image $IMAGE has no io.controlplane.postgres.uid/gid labels"

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/cp-smoke.XXXXXX")
  SUPERPW=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  REPLPW=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  REWINDPW=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  mapfile -t ports < <(free_ports 6)
  ((${#ports[@]} == 6)) || fail "could not find free ports"
  ETCD_CLIENT_PORT=${ports[0]}
  ETCD_PEER_PORT=${ports[1]}
  log "image $IMAGE (postgres $(label io.controlplane.postgres.version), uid:gid $PG_UID:$PG_GID), work dir $WORK"
  log "ports: etcd ${ports[0]}/${ports[1]}, m1 pg ${ports[2]} rest ${ports[4]}, m2 pg ${ports[3]} rest ${ports[5]}"

  # Throwaway etcd 3.4 (plain http on loopback), a direct child: $! is its PID.
  etcd --name smoke --data-dir "$WORK/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "smoke=http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster-state new --initial-cluster-token "$RUN_ID" \
    >"$WORK/etcd.log" 2>&1 </dev/null &
  ETCD_PID=$!
  deadline=$((SECONDS + 30))
  until ETCDCTL_API=3 etcdctl --endpoints="127.0.0.1:$ETCD_CLIENT_PORT" --command-timeout=2s \
    endpoint health >/dev/null 2>&1; do
    kill -0 "$ETCD_PID" 2>/dev/null || fail "etcd exited: $(tail -n 1 "$WORK/etcd.log")"
    ((SECONDS < deadline)) || fail "etcd not healthy after 30s"
    sleep 0.2
  done
  log "etcd $(etcd --version | awk '/etcd Version/ { print $3 }') healthy (pid $ETCD_PID)"

  write_member m1 "${ports[2]}" "${ports[4]}"
  write_member m2 "${ports[3]}" "${ports[5]}"

  # Member 1: bootstrap (initdb) until the primary accepts a write.
  t0=$(now)
  create_service m1 "${ports[4]}"
  deadline=$((SECONDS + WAIT_WRITABLE))
  until pg "${ports[2]}" "CREATE TABLE IF NOT EXISTS smoke_t(id int); INSERT INTO smoke_t VALUES (1)" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "primary m1 not writable ${WAIT_WRITABLE}s after service create"
    sleep 0.1
  done
  t_writable=$(since "$t0")
  log "service create m1 -> primary writable: ${t_writable} s"

  # Member 2: replica via pg_basebackup until it streams.
  t0=$(now)
  create_service m2 "${ports[5]}"
  deadline=$((SECONDS + WAIT_STREAMING))
  until n=$(pg "${ports[2]}" "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'm2' AND state = 'streaming'" 2>/dev/null) &&
    [[ $n == 1 ]]; do
    ((SECONDS < deadline)) || fail "replica m2 not streaming ${WAIT_STREAMING}s after service create"
    sleep 0.1
  done
  t_streaming=$(since "$t0")
  log "service create m2 -> replica streaming: ${t_streaming} s"

  # The replica is read-only and has the row written before it was cloned.
  deadline=$((SECONDS + 30))
  until out=$(pg "${ports[3]}" "SELECT pg_is_in_recovery(), (SELECT count(*) FROM smoke_t)" 2>/dev/null) &&
    [[ $out == "t|1" ]]; do
    ((SECONDS < deadline)) || fail "replica m2: expected 't|1' (in recovery, 1 row), got '${out:-no answer}'"
    sleep 0.2
  done
  log "replica m2 is in recovery and has the primary's row"

  # pglogical: preloaded, extension creatable, node creatable.
  out=$(pg "${ports[2]}" "SHOW shared_preload_libraries")
  [[ $out == *pglogical* ]] || fail "shared_preload_libraries is '$out'"
  pg "${ports[2]}" "CREATE EXTENSION pglogical" >/dev/null || fail "CREATE EXTENSION pglogical failed"
  ext=$(pg "${ports[2]}" "SELECT extversion FROM pg_extension WHERE extname = 'pglogical'")
  pg "${ports[2]}" "SELECT pglogical.create_node(node_name := 'smoke_m1', dsn := 'host=127.0.0.1 port=${ports[2]} dbname=postgres')" >/dev/null ||
    fail "pglogical.create_node failed"
  log "CREATE EXTENSION pglogical: ok (extension $ext), pglogical.create_node: ok"

  # Inside the container: pgBackRest runs, the user is the image's postgres.
  cid=$(container_of "$RUN_ID-m1")
  [[ -n $cid ]] || fail "no running container for $RUN_ID-m1"
  out=$(docker exec "$cid" pgbackrest version) || fail "pgbackrest version failed in the container"
  [[ $out == pgBackRest* ]] || fail "unexpected 'pgbackrest version' output: $out"
  log "docker exec pgbackrest version: $out"
  out=$(docker exec "$cid" id -u):$(docker exec "$cid" id -g)
  [[ $out == "$PG_UID:$PG_GID" ]] || fail "container runs as $out, expected $PG_UID:$PG_GID"
  repl=$(docker exec "$cid" patronictl -c /etc/patroni/patroni.yml list 2>&1) || fail "patronictl list failed: $repl"
  printf '%s\n' "$repl"

  wait_healthy "$RUN_ID-m1"
  wait_healthy "$RUN_ID-m2"
  log "both tasks healthy (python3 urllib /liveness healthcheck)"

  log "PASS: primary writable ${t_writable} s after service create, replica streaming ${t_streaming} s after service create"
}

main "$@"
