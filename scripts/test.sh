#!/usr/bin/env bash
# Sets up this machine and runs the whole test suite: unit and integration tests (surefire), then the
# end-to-end tests against the packaged jar, real etcd, Docker Swarm and Postgres (failsafe).
# Idempotent; run as root. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/prereqs.sh
source scripts/lib/prereqs.sh
# shellcheck source=lib/java.sh
source scripts/lib/java.sh

cp_require_root
cp_ensure_java
cp_ensure_etcd
cp_ensure_postgres
cp_ensure_docker
bash swarm/image/build.sh

mvn -B -ntp verify "$@"
