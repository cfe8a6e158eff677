#!/usr/bin/env bash
# A 3-host development cluster from docker-compose.yml: builds the jar and the Postgres image, starts
# a shared engine database and hosts host-1..3 (API on 127.0.0.1:3001-3003), initializes host-1 and
# joins the others. `scripts/dev/three-hosts.sh down` stops it and removes its data (.cp-dev) and the
# Postgres services it created. Run as root.
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=../lib/prereqs.sh
source scripts/lib/prereqs.sh
cp_ensure_runtime
cp_apt_install docker-compose

if [[ ${1:-up} == down ]]; then
  docker-compose down -v
  for s in $(docker service ls -q --filter label=controlplane.component=postgres); do
    dir=$(docker service inspect -f '{{range .Spec.TaskTemplate.ContainerSpec.Mounts}}{{.Source}} {{end}}' "$s")
    [[ $dir == *"$PWD/.cp-dev/"* ]] && docker service rm "$s" >/dev/null
  done
  rm -rf .cp-dev
  exit 0
fi

# node_modules: the web UI's BPMN viewer (bpmn-js) is bundled into the jar from there
cp_ensure_bpmnlint
mvn -q -B -DskipTests package
mkdir -p .cp-dev/host-1 .cp-dev/host-2 .cp-dev/host-3
docker-compose up -d
wait_api() { until curl -sf -o /dev/null "http://127.0.0.1:$1/v1/version"; do sleep 1; done; }
for p in 3001 3002 3003; do wait_api $p; done
if curl -s http://127.0.0.1:3001/v1/cluster | grep -q cluster_not_initialized; then
  token=$(curl -sf 'http://127.0.0.1:3001/v1/cluster/init?cluster_id=dev' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for p in 3002 3003; do
    curl -sf -XPOST "http://127.0.0.1:$p/v1/cluster/join" -H 'Content-Type: application/json' \
      -d '{"token":"'"$token"'","server_urls":["http://127.0.0.1:3001"]}'
  done
fi
hosts() { curl -s http://127.0.0.1:3001/v1/hosts | python3 -c 'import json,sys; [print(h["id"], h["status"]["state"]) for h in json.load(sys.stdin)["hosts"]]'; }
for _ in $(seq 60); do [[ $(hosts | grep -c ' healthy$') == 3 ]] && break; sleep 1; done
hosts
echo "API: http://127.0.0.1:3001/v1 (also 3002, 3003); Cockpit: http://127.0.0.1:3001/camunda/app/cockpit/default/ (admin / ${CP_DEV_ADMIN_PASSWORD:-dev-admin})"
