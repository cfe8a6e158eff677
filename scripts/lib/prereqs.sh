# shellcheck shell=bash
# Machine prerequisites for the control plane (Debian 12, run as root).
#
# Source this file; do not execute it:
#     source scripts/lib/prereqs.sh
#     cp_ensure_docker; cp_ensure_etcd; cp_ensure_postgres; cp_ensure_debootstrap; cp_ensure_test_tools;
#     cp_ensure_bpmnlint
#
# Every function is idempotent, quiet on success and prints one clear line on
# stderr on failure (plus the tail of the relevant log), then returns non-zero.
# Only Debian packages are used (and the npm registry for bpmnlint and the web UI's bpmn-js): no image registry is needed.
#
# Tunables (environment):
#   CP_APT_LOCK_TIMEOUT      seconds to wait for another apt/dpkg to finish (default 600)
#   CP_DOCKER_START_TIMEOUT  seconds to wait for a started dockerd to answer (default 90)
#   CP_DOCKERD_LOG           dockerd log file (default /var/log/dockerd.log)
#   CP_DOCKERD_PIDFILE       dockerd pid file (default /var/run/docker.pid)

if [[ -n "${_CP_PREREQS_SOURCED:-}" ]]; then
  return 0
fi
_CP_PREREQS_SOURCED=1
# dockerd, debootstrap and friends live in sbin directories.
case ":$PATH:" in
  *:/usr/sbin:*) ;;
  *) PATH=$PATH:/usr/sbin:/sbin ;;
esac
# Set once per process after a successful `apt-get update`.
_CP_APT_UPDATED=${_CP_APT_UPDATED:-}

cp_log_error() {
  printf 'controlplane: error: %s\n' "$*" >&2
}

# cp_progress MESSAGE: one line saying what a long set-up step is doing (stderr, so it never
# mixes with a command's output).
cp_progress() {
  printf 'controlplane: %s\n' "$*" >&2
}

# cp_require_root WHAT: fail unless running as root.
cp_require_root() {
  if [[ ${EUID:-$(id -u)} -ne 0 ]]; then
    cp_log_error "$1 needs root (run as root)"
    return 1
  fi
}

# cp_pkg_installed PKG: true when dpkg says PKG is fully installed.
cp_pkg_installed() {
  local status
  status=$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) || return 1
  [[ $status == installed ]]
}

# _cp_apt_run LOG ARGS...: run apt-get, retrying while another process holds
# the dpkg/apt locks (up to CP_APT_LOCK_TIMEOUT seconds in total).
_cp_apt_run() {
  local log=$1 deadline rc
  shift
  deadline=$((SECONDS + ${CP_APT_LOCK_TIMEOUT:-600}))
  while :; do
    rc=0
    DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=l \
      apt-get -q -y -o DPkg::Lock::Timeout=60 "$@" >"$log" 2>&1 || rc=$?
    if ((rc == 0)); then
      return 0
    fi
    if grep -qE 'Could not get lock|Unable to lock|is another process using it' "$log" &&
      ((SECONDS < deadline)); then
      sleep 2
      continue
    fi
    return "$rc"
  done
}

# cp_apt_install PKG...: install the packages that are not installed yet.
# `apt-get update` runs at most once per process, and only when something is
# missing.
cp_apt_install() {
  local pkg log
  local -a missing=()
  for pkg in "$@"; do
    cp_pkg_installed "$pkg" || missing+=("$pkg")
  done
  ((${#missing[@]} > 0)) || return 0
  cp_require_root "installing ${missing[*]}" || return 1
  cp_progress "installing ${missing[*]} (Debian packages; usually under a minute)"
  log=$(mktemp /tmp/cp-apt.XXXXXX.log)
  if [[ -z $_CP_APT_UPDATED ]]; then
    if ! _cp_apt_run "$log" update; then
      cp_log_error "apt-get update failed (log: $log)"
      tail -n 5 "$log" >&2
      return 1
    fi
    _CP_APT_UPDATED=1
  fi
  if ! _cp_apt_run "$log" install "${missing[@]}"; then
    cp_log_error "apt-get install ${missing[*]} failed (log: $log)"
    tail -n 5 "$log" >&2
    return 1
  fi
  for pkg in "${missing[@]}"; do
    if ! cp_pkg_installed "$pkg"; then
      cp_log_error "package $pkg is still not installed after apt-get install (log: $log)"
      return 1
    fi
  done
  rm -f "$log"
}

# cp_ensure_docker: Debian's Docker engine installed, running and a single-node
# Swarm manager advertising on 127.0.0.1.
cp_ensure_docker() {
  local timeout=${CP_DOCKER_START_TIMEOUT:-90}
  local log=${CP_DOCKERD_LOG:-/var/log/dockerd.log}
  local pidfile=${CP_DOCKERD_PIDFILE:-/var/run/docker.pid}
  local deadline pid state out

  if ! command -v dockerd >/dev/null 2>&1; then
    cp_apt_install docker.io || return 1
    if ! command -v dockerd >/dev/null 2>&1; then
      cp_log_error "docker.io is installed but dockerd is not on PATH"
      return 1
    fi
  fi

  if ! docker info >/dev/null 2>&1; then
    cp_require_root "starting dockerd" || return 1
    pid=""
    if [[ -s $pidfile ]]; then
      pid=$(<"$pidfile")
      # A pid file of a dockerd that is still alive: it may just be starting.
      if ! [[ $pid =~ ^[0-9]+$ ]] || [[ $(cat "/proc/$pid/comm" 2>/dev/null) != dockerd ]]; then
        pid=""
      fi
    fi
    if [[ -z $pid ]]; then
      cp_progress "starting the Docker engine (log $log)"
      mkdir -p "$(dirname "$log")"
      # Own session, so that signals to the caller's process group never
      # reach the engine; dockerd writes its own pid file. No descriptor of
      # the caller beyond stdio is passed on: a dockerd started under
      # `flock FILE cmd` would otherwise hold that lock for its whole life.
      setsid bash -c 'for fd in $(ls /proc/$$/fd); do ((fd > 2)) && eval "exec ${fd}>&-" 2>/dev/null; done; exec "$@"' \
        close-inherited dockerd --storage-driver=overlay2 --iptables=false --bridge=none \
        --pidfile "$pidfile" </dev/null >>"$log" 2>&1 &
    fi
    deadline=$((SECONDS + timeout))
    until docker info >/dev/null 2>&1; do
      if ((SECONDS >= deadline)); then
        cp_log_error "dockerd did not answer within ${timeout}s (log: $log)"
        tail -n 5 "$log" >&2
        return 1
      fi
      sleep 0.5
    done
  fi

  state=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) || state=unknown
  case $state in
    active) ;;
    pending)
      deadline=$((SECONDS + 30))
      while [[ $state == pending ]] && ((SECONDS < deadline)); do
        sleep 1
        state=$(docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null) || state=unknown
      done
      if [[ $state != active ]]; then
        cp_log_error "swarm node stays in state '$state'"
        return 1
      fi
      ;;
    inactive | "")
      cp_progress "creating a single-node Docker Swarm on 127.0.0.1"
      if ! out=$(docker swarm init --advertise-addr 127.0.0.1 2>&1); then
        cp_log_error "docker swarm init failed: $(printf '%s' "$out" | tail -n 1)"
        return 1
      fi
      ;;
    *)
      cp_log_error "swarm node is in state '$state'; fix it by hand (docker swarm leave --force or unlock)"
      return 1
      ;;
  esac
}

# cp_ensure_etcd: etcd 3.4 server and etcdctl from Debian (nothing is started:
# the packages' init scripts do not run here, policy-rc.d refuses them).
cp_ensure_etcd() {
  if command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1; then
    return 0
  fi
  cp_apt_install etcd-server etcd-client
}

# cp_ensure_postgres: PostgreSQL 15 server binaries on the host (for a
# throwaway engine database); they live in /usr/lib/postgresql/15/bin.
cp_ensure_postgres() {
  if [[ -x /usr/lib/postgresql/15/bin/initdb && -x /usr/lib/postgresql/15/bin/postgres ]]; then
    return 0
  fi
  cp_apt_install postgresql-15
  if [[ ! -x /usr/lib/postgresql/15/bin/initdb ]]; then
    cp_log_error "postgresql-15 installed but /usr/lib/postgresql/15/bin/initdb is missing"
    return 1
  fi
}

# cp_ensure_debootstrap: debootstrap and the Debian archive keyring (used by
# swarm/image/build.sh to build the Postgres image offline).
cp_ensure_debootstrap() {
  if command -v debootstrap >/dev/null 2>&1 &&
    [[ -s /usr/share/keyrings/debian-archive-keyring.gpg ]]; then
    return 0
  fi
  cp_apt_install debootstrap debian-archive-keyring
}

# cp_ensure_test_tools: programs the test suite checks our output with (ClusterCaTest verifies the
# issued certificates with openssl and Python's ssl module; ServerStartupIT reads the built commit
# with git). Not needed to run the control plane.
cp_ensure_test_tools() {
  if command -v openssl >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 &&
    command -v git >/dev/null 2>&1 &&
    command -v chromium >/dev/null 2>&1 && [[ -x /usr/bin/chromedriver ]]; then
    return 0
  fi
  # chromium, chromium-driver: the browser tests of the web UI (UiIT) drive a headless Chromium
  cp_apt_install openssl python3 git chromium chromium-driver
}

# cp_ensure_bpmnlint: the npm packages of package.json (bpmnlint, its Camunda plugin, the element
# template validator, and bpmn-js for the web UI) in node_modules/, exactly as package-lock.json pins
# them (`npm ci`). The test suite lints every processes/*.bpmn with them; the Maven build bundles
# bpmn-js's viewer into the jar. Uses the node and npm on PATH; installs Debian's
# nodejs and npm only when node is missing. Does nothing when node_modules is newer than the lockfile.
cp_ensure_bpmnlint() {
  local root log
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if ! command -v node >/dev/null 2>&1; then
    cp_apt_install nodejs npm || return 1
  elif ! command -v npm >/dev/null 2>&1; then
    cp_apt_install npm || return 1
  fi
  # node_modules/bpmn-js: the web UI's BPMN viewer, bundled into the jar by the Maven build
  if [[ -x $root/node_modules/.bin/bpmnlint && -f $root/node_modules/bpmn-js/package.json &&
    $root/node_modules/.package-lock.json -nt $root/package-lock.json ]]; then
    return 0
  fi
  cp_progress "installing bpmnlint with npm ci (pinned by package-lock.json)"
  log=$(mktemp /tmp/cp-npm.XXXXXX.log)
  if ! (cd "$root" && npm ci --no-audit --no-fund) >"$log" 2>&1; then
    cp_log_error "npm ci failed in $root (log: $log)"
    tail -n 5 "$log" >&2
    return 1
  fi
  if [[ ! -x $root/node_modules/.bin/bpmnlint ]]; then
    cp_log_error "npm ci finished but node_modules/.bin/bpmnlint is missing (log: $log)"
    return 1
  fi
  rm -f "$log"
}

# Everything a control plane host needs to run databases: root, Java, etcd, Docker in Swarm mode and
# the Postgres image (rebuilt only when its recipe changed). Used by scripts/run.sh and scripts/test.sh.
cp_ensure_runtime() {
  # shellcheck source=java.sh
  source "$(dirname "${BASH_SOURCE[0]}")/java.sh"
  cp_require_root
  cp_ensure_java
  cp_ensure_etcd
  cp_ensure_docker
  cp_ensure_debootstrap
  bash "$(dirname "${BASH_SOURCE[0]}")/../../swarm/image/build.sh"
}
