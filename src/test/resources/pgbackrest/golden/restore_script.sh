#!/bin/sh
# Written by the control plane. Patroni runs it (bootstrap method "restore") to create this
# instance's data directory from a pgBackRest backup instead of running initdb.
set -e
PGDATA=/opt/controlplane/data/pgdata
KEPT=/opt/controlplane/data/pgdata.before-restore
# an in-place restore moved the old data directory aside; --delta reuses its unchanged files
if [ -d "$KEPT" ]; then rm -rf "$PGDATA"; mv "$KEPT" "$PGDATA"; fi
mkdir -p "$PGDATA" /opt/controlplane/data/pgbackrest/log
chmod 700 "$PGDATA"
# left by a Postgres that was killed; pgBackRest refuses to restore while it exists
rm -f "$PGDATA/postmaster.pid"
exec pgbackrest --config=/opt/controlplane/configs/pgbackrest.restore.conf --stanza=db --log-level-file=info --log-path=/opt/controlplane/data/pgbackrest/log --pg1-path=/opt/controlplane/data/pgdata --type=time '--target=2025-01-01 01:30:00.000000+00' --target-action=promote --delta restore
