#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL server for tests and benchmarks.
#   scripts/postgres.sh start DIR PORT   → prints the URL to use as KEFU_DATABASE_URL
#   scripts/postgres.sh stop DIR
# Runs the server as the `postgres` user when started as root.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?data folder}; port=${3:-54329}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bindir/initdb" ] || { echo "postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "'$bindir/initdb' -D '$dir/data' -U kefu -A trust --no-sync -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1
    as_pg "'$bindir/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start" >/dev/null
    as_pg "'$bindir/createdb' -h 127.0.0.1 -p $port -U kefu kefu"
    echo "postgres://kefu@127.0.0.1:$port/kefu"
    ;;
  stop)
    as_pg "'$bindir/pg_ctl' -D '$dir/data' -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
