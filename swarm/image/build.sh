#!/usr/bin/env bash
# Offline builder of the control plane's Postgres image (no registry needed).
#
#   bash swarm/image/build.sh        # as root, after cp_ensure_docker (it installs debootstrap itself)
#
# It debootstraps a Debian bookworm root with the packages of packages.txt,
# shrinks it and imports it with `docker import` as
#   controlplane/postgres:15-<first 12 hex of the recipe hash>
# and points controlplane/postgres:15 at it. The recipe hash is a sha256 over
# every file of this directory that goes into the image (everything except
# README.md, manifest.json and smoke-test.sh): when an image with that hash
# exists already, the build is a no-op that only re-points the :15 tag.
#
# Prints one line on stdout: image tag, versions, seconds taken; while a build runs, a progress
# line per stage on stderr (a first build takes about 2 minutes).
#
# Environment:
#   CP_IMAGE_NAME         image repository (default controlplane/postgres)
#   CP_IMAGE_REBUILD=1    build even if the hash-tagged image exists
#   CP_DEBIAN_MIRROR      Debian mirror URL (default: taken from the host's apt sources)
#   CP_IMAGE_LOCK         lock file (default /var/lock/controlplane-postgres-image.lock)
#   CP_IMAGE_LOCK_TIMEOUT seconds to wait for a concurrent build (default 1800)
#   CP_IMAGE_BUILD_LOG    debootstrap/import log (default /var/log/controlplane-postgres-image.log)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../scripts/lib/prereqs.sh
source "$HERE/../../scripts/lib/prereqs.sh"
IMAGE_NAME=${CP_IMAGE_NAME:-controlplane/postgres}
PG_MAJOR=15
SUITE=bookworm
EXPECTED_UID=100
EXPECTED_GID=102
LOCK_FILE=${CP_IMAGE_LOCK:-/var/lock/controlplane-postgres-image.lock}
LOCK_TIMEOUT=${CP_IMAGE_LOCK_TIMEOUT:-1800}
BUILD_LOG=${CP_IMAGE_BUILD_LOG:-/var/log/controlplane-postgres-image.log}
T0=$EPOCHREALTIME
WORKDIR=""
ROOT=""

die() {
  printf 'build.sh: error: %s\n' "$*" >&2
  exit 1
}

elapsed() {
  awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}

# Files of the recipe, relative to HERE, in a stable order.
recipe_files() {
  (cd "$HERE" && find . -type f ! -name README.md ! -name manifest.json ! -name smoke-test.sh \
    ! -name '*~' ! -name '*.swp' -printf '%P\n' | LC_ALL=C sort)
}

recipe_hash() {
  local -a files
  mapfile -t files < <(recipe_files)
  ((${#files[@]} > 0)) || die "no recipe files in $HERE"
  (cd "$HERE" && sha256sum -- "${files[@]}") | sha256sum | cut -c1-64
}

# The package list, comma-separated, from packages.txt.
package_csv() {
  local csv
  csv=$(grep -Ev '^[[:space:]]*(#|$)' "$HERE/packages.txt" | tr -s '[:space:]' ',' | sed 's/^,//; s/,$//')
  [[ -n $csv ]] || die "packages.txt lists no packages"
  printf '%s' "$csv"
}

# The Debian mirror of the host's apt sources (suite bookworm, component main).
debian_mirror() {
  local f uri=""
  if [[ -n ${CP_DEBIAN_MIRROR:-} ]]; then
    printf '%s' "$CP_DEBIAN_MIRROR"
    return 0
  fi
  # One-line format: deb [options] URI SUITE COMPONENT...
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    if [[ $f == *.sources ]]; then
      # deb822 stanzas: Types / URIs / Suites / Components / Enabled.
      uri=$(awk -v suite="$SUITE" '
        BEGIN { RS = ""; FS = "\n" }
        {
          types = ""; uris = ""; suites = ""; comps = ""; enabled = "yes"
          for (i = 1; i <= NF; i++) {
            line = $i
            if (line ~ /^[[:space:]]*#/) continue
            p = index(line, ":"); if (p == 0) continue
            key = tolower(substr(line, 1, p - 1)); val = substr(line, p + 1)
            gsub(/^[[:space:]]+|[[:space:]]+$/, "", val)
            if (key == "types") types = val
            else if (key == "uris") uris = val
            else if (key == "suites") suites = val
            else if (key == "components") comps = val
            else if (key == "enabled") enabled = tolower(val)
          }
          if (enabled != "no" && (" " types " ") ~ / deb / &&
              (" " suites " ") ~ (" " suite " ") && (" " comps " ") ~ / main /) {
            split(uris, u, /[[:space:]]+/); print u[1]; exit
          }
        }' "$f")
    else
      uri=$(sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk -v suite="$SUITE" '
        $1 == "deb" && $3 == suite { for (i = 4; i <= NF; i++) if ($i == "main") { print $2; exit } }')
    fi
    if [[ $uri =~ ^(https?|file):// ]]; then
      printf '%s' "$uri"
      return 0
    fi
  done
  die "no '$SUITE main' Debian source in /etc/apt/sources.list{,.d/*}; set CP_DEBIAN_MIRROR"
}

# PIDs of processes whose root directory is the build root (a postinst that
# started a daemon). They are ours: debootstrap started them.
root_pids() {
  local p
  [[ -n $ROOT ]] || return 0
  for p in /proc/[0-9]*; do
    if [[ $(readlink "$p/root" 2>/dev/null) == "$ROOT" ]]; then
      printf '%s\n' "${p#/proc/}"
    fi
  done
}

stop_root_pids() {
  local -a pids
  mapfile -t pids < <(root_pids)
  ((${#pids[@]} > 0)) || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 50); do
    mapfile -t pids < <(root_pids)
    ((${#pids[@]} > 0)) || return 0
    sleep 0.2
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# Remove the work dir (the temp root), whatever state debootstrap left it in.
remove_workdir() {
  local m
  [[ -n $WORKDIR && -d $WORKDIR ]] || return 0
  stop_root_pids
  # Unmount whatever debootstrap left mounted below the work dir, deepest first.
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v w="$WORKDIR/" 'index($2, w) == 1 { print $2 }' /proc/self/mounts | LC_ALL=C sort -r)
  rm -rf --one-file-system "$WORKDIR"
  WORKDIR=""
}

cleanup() {
  local rc=$?
  remove_workdir
  return "$rc"
}

# summary IMAGE WHAT: the one line this script prints (one inspect call).
summary() {
  local image=$1 what=$2 size pg patroni pgbackrest pglogical uid gid l='io.controlplane'
  read -r size pg patroni pgbackrest pglogical uid gid < <(docker image inspect --format \
    "{{.Size}} {{index .Config.Labels \"$l.postgres.version\"}} {{index .Config.Labels \"$l.patroni.version\"}} \
{{index .Config.Labels \"$l.pgbackrest.version\"}} {{index .Config.Labels \"$l.pglogical.version\"}} \
{{index .Config.Labels \"$l.postgres.uid\"}} {{index .Config.Labels \"$l.postgres.gid\"}}" "$image")
  [[ $what == built ]] && check_manifest "$pg"
  printf '%s (%s:%s) %s: postgres %s, patroni %s, pgbackrest %s, pglogical %s, uid:gid %s:%s, %d MB, %s s\n' \
    "$image" "$IMAGE_NAME" "$PG_MAJOR" "$what" "$pg" "$patroni" "$pgbackrest" "$pglogical" \
    "$uid" "$gid" $((size / 1000000)) "$(elapsed)"
}

point_alias() {
  local image=$1 alias_id image_id
  image_id=$(docker image inspect --format '{{.Id}}' "$image")
  alias_id=$(docker image inspect --format '{{.Id}}' "$IMAGE_NAME:$PG_MAJOR" 2>/dev/null || true)
  if [[ $alias_id != "$image_id" ]]; then
    docker tag "$image" "$IMAGE_NAME:$PG_MAJOR"
  fi
}

# Warn when manifest.json names another Postgres version than the image has.
check_manifest() {
  local built=$1 listed
  listed=$(grep -o '"postgres_version"[[:space:]]*:[[:space:]]*"[^"]*"' "$HERE/manifest.json" 2>/dev/null |
    head -n 1 | sed 's/.*"\([^"]*\)"$/\1/') || true
  if [[ -n $listed && $listed != "$built" ]]; then
    printf 'build.sh: warning: manifest.json lists postgres %s but the image has %s; update swarm/image/manifest.json\n' \
      "$listed" "$built" >&2
  fi
}

# Upstream part of a Debian version: 15.18-0+deb12u1 -> 15.18, 1:2.3-1 -> 2.3.
upstream_version() {
  local v=$1
  v=${v#*:}
  printf '%s' "${v%%-*}"
}

pkg_version() {
  local v
  v=$(dpkg-query --admindir="$ROOT/var/lib/dpkg" -W -f='${Version}' "$1" 2>/dev/null) ||
    die "package $1 is not installed in the built root"
  upstream_version "$v"
}

build() {
  local tag=$1 hash=$2 mirror pkgs pg_version patroni_version pgbackrest_version pglogical_version
  local ids uid gid
  cp_ensure_debootstrap || die "could not install debootstrap and the Debian archive keyring"
  mirror=$(debian_mirror)
  pkgs=$(package_csv)

  WORKDIR=$(mktemp -d "${TMPDIR:-/var/tmp}/cp-pgimage.XXXXXX")
  WORKDIR=$(realpath "$WORKDIR")
  ROOT=$WORKDIR/root
  mkdir -p "$(dirname "$BUILD_LOG")"
  printf 'debootstrap %s from %s with %s\n' "$SUITE" "$mirror" "$pkgs" >"$BUILD_LOG"
  cp_progress "building the Postgres image $tag: debootstrap of Debian $SUITE with $pkgs (about 90 s; log $BUILD_LOG)"
  if ! debootstrap --variant=minbase --components=main --include="$pkgs" \
    "$SUITE" "$ROOT" "$mirror" >>"$BUILD_LOG" 2>&1; then
    tail -n 5 "$BUILD_LOG" >&2
    if [[ -f $ROOT/debootstrap/debootstrap.log ]]; then
      cp "$ROOT/debootstrap/debootstrap.log" "$BUILD_LOG.debootstrap"
    fi
    die "debootstrap failed (log: $BUILD_LOG)"
  fi

  # No daemon started by a postinst may survive, and no stock cluster may be
  # left: Patroni runs initdb itself in its own data directory.
  stop_root_pids
  [[ -x $ROOT/usr/lib/postgresql/$PG_MAJOR/bin/postgres ]] ||
    die "no /usr/lib/postgresql/$PG_MAJOR/bin/postgres in the built root"
  rm -rf "$ROOT/var/lib/postgresql/$PG_MAJOR/main" "$ROOT/etc/postgresql/$PG_MAJOR/main"
  if [[ -f $ROOT/etc/postgresql-common/createcluster.conf ]]; then
    sed -i 's/^#\?create_main_cluster.*/create_main_cluster = false/' \
      "$ROOT/etc/postgresql-common/createcluster.conf"
  fi

  # Shrink: apt lists and caches, docs (copyright files stay), man/info pages,
  # message translations, logs. The image only has the C and C.UTF-8 locales.
  rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/usr/share/man/* "$ROOT"/usr/share/info/* \
    "$ROOT"/usr/share/locale/* "$ROOT"/var/cache/debconf/*-old "$ROOT"/var/lib/dpkg/*-old \
    "$ROOT/debootstrap"
  find "$ROOT/var/cache/apt" "$ROOT/var/log" -type f -delete
  find "$ROOT/usr/share/doc" -type f ! -name copyright -delete
  find "$ROOT/usr/share/doc" -depth -type d -empty -delete
  mkdir -p "$ROOT/var/lib/apt/lists/partial"
  # Docker provides these at run time; do not ship the build host's.
  : >"$ROOT/etc/resolv.conf"
  printf 'localhost\n' >"$ROOT/etc/hostname"

  ids=$(awk -F: '$1 == "postgres" { print $3 ":" $4 }' "$ROOT/etc/passwd")
  uid=${ids%%:*}
  gid=${ids##*:}
  [[ $ids == "$EXPECTED_UID:$EXPECTED_GID" ]] ||
    die "user postgres is '${ids:-missing}' in the built root, expected $EXPECTED_UID:$EXPECTED_GID"

  pg_version=$(pkg_version "postgresql-$PG_MAJOR")
  patroni_version=$(pkg_version patroni)
  pgbackrest_version=$(pkg_version pgbackrest)
  pglogical_version=$(pkg_version "postgresql-$PG_MAJOR-pglogical")

  printf 'docker import as %s\n' "$tag" >>"$BUILD_LOG"
  cp_progress "importing the root into Docker as $tag (about 20 s; $(elapsed) s so far)"
  if ! tar --numeric-owner -C "$ROOT" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . 2>>"$BUILD_LOG" |
    docker import \
      --change "ENV LANG=C.UTF-8" \
      --change "LABEL io.controlplane.recipe-hash=$hash" \
      --change "LABEL io.controlplane.postgres.major=$PG_MAJOR" \
      --change "LABEL io.controlplane.postgres.version=$pg_version" \
      --change "LABEL io.controlplane.patroni.version=$patroni_version" \
      --change "LABEL io.controlplane.pgbackrest.version=$pgbackrest_version" \
      --change "LABEL io.controlplane.pglogical.version=$pglogical_version" \
      --change "LABEL io.controlplane.postgres.uid=$uid" \
      --change "LABEL io.controlplane.postgres.gid=$gid" \
      --change "LABEL io.controlplane.debian.suite=$SUITE" \
      - "$tag" >>"$BUILD_LOG" 2>&1; then
    tail -n 5 "$BUILD_LOG" >&2
    die "docker import failed (log: $BUILD_LOG)"
  fi
}

main() {
  local hash tag
  [[ $EUID -eq 0 ]] || die "must run as root"
  command -v docker >/dev/null 2>&1 || die "docker CLI is missing (run cp_ensure_docker)"
  docker info >/dev/null 2>&1 || die "the Docker engine does not answer (run cp_ensure_docker)"

  hash=$(recipe_hash)
  tag="$IMAGE_NAME:$PG_MAJOR-${hash:0:12}"

  mkdir -p "$(dirname "$LOCK_FILE")"
  exec 9>"$LOCK_FILE"
  if ! flock -n 9; then
    printf 'build.sh: waiting for another build of %s (lock %s)\n' "$IMAGE_NAME" "$LOCK_FILE" >&2
    flock -w "$LOCK_TIMEOUT" 9 || die "another build still holds $LOCK_FILE after ${LOCK_TIMEOUT}s"
  fi

  if [[ -z ${CP_IMAGE_REBUILD:-} ]] && docker image inspect "$tag" >/dev/null 2>&1; then
    point_alias "$tag"
    summary "$tag" "up to date"
    return 0
  fi

  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  build "$tag" "$hash"
  remove_workdir
  point_alias "$tag"
  summary "$tag" "built"
}

main "$@"
