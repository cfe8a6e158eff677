#!/usr/bin/env bash
# Sets up this machine and runs the whole test suite: unit and integration tests (surefire), then the
# end-to-end tests against the packaged jar, real etcd, Docker Swarm and Postgres (failsafe).
# Idempotent; run as root. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/prereqs.sh
source scripts/lib/prereqs.sh

cp_ensure_runtime
cp_ensure_postgres
cp_ensure_test_tools
cp_ensure_bpmnlint

mvn -B -ntp verify "$@"
