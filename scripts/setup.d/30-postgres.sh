#!/usr/bin/env bash
# PostgreSQL from Debian for the storage tests: installs the server, runs a private cluster on 127.0.0.1 and
# writes its URL to $KT_CACHE/pg_url (tests read it; each test creates and drops its own database).
# The cluster lives in $KT_PG_DIR (default /var/tmp/kinetrace-pg-<uid>), a place the postgres system user can
# reach even when the checkout sits in a private home folder.
# Idempotent: reuses the cluster and only starts it when it is not running.
set -euo pipefail
KT_CACHE="${KT_CACHE:-$PWD/.cache}"
mkdir -p "$KT_CACHE"
KT_CACHE="$(cd "$KT_CACHE" && pwd)"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  $SUDO apt-get update -q
  $SUDO apt-get install -y -q --no-install-recommends postgresql
fi
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
PGROOT="${KT_PG_DIR:-/var/tmp/kinetrace-pg-$(id -u)}"
mkdir -p "$PGROOT"
PGDATA="$PGROOT/data"
PGPORT="${KT_PG_PORT:-55432}"
PGUSER_OS="postgres"
# initdb refuses to run as root: run the cluster as the postgres system user when we are root.
run_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$PGUSER_OS" -- "$@"
  else
    "$@"
  fi
}
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$PGROOT" "$PGDATA"
  chmod 700 "$PGDATA"
  run_pg "$PGBIN/initdb" -D "$PGDATA" -U kinetrace --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
SOCKDIR="$PGROOT/sock"
mkdir -p "$SOCKDIR"
[ "$(id -u)" -eq 0 ] && chown "$PGUSER_OS" "$SOCKDIR"
if ! run_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $SOCKDIR -c max_connections=200 -c fsync=on" start >/dev/null
fi
echo "postgresql+psycopg://kinetrace@127.0.0.1:$PGPORT/postgres" > "$KT_CACHE/pg_url"
echo "PostgreSQL ready: $(cat "$KT_CACHE/pg_url")"
