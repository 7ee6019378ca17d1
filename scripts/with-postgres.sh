#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster:
#
#   scripts/with-postgres.sh .venv/bin/pytest tests/storage -q
#
# Finds initdb/pg_ctl (PATH, then /usr/lib/postgresql/*/bin), installing Debian's
# `postgresql` package if they are missing; creates a cluster in a temporary folder,
# listening on 127.0.0.1 on a free port with trust authentication; creates a database;
# exports PROGMAN_TEST_PG_URL=postgresql+psycopg://USER@127.0.0.1:PORT/DB; runs the
# command; always stops the cluster and deletes the folder; exits with the command's code.
#
# initdb refuses to run as root: as root the server runs as the `postgres` system user
# (or `nobody`); the command itself runs as the calling user and connects over TCP.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

PG_SUPERUSER=progman
PG_DATABASE=progman_test

log() { echo "with-postgres: $*" >&2; }

find_pg_bindir() {
    local initdb_path candidate
    if initdb_path=$(command -v initdb 2>/dev/null) && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$initdb_path")"
        return 0
    fi
    # Debian keeps the server binaries out of PATH; take the newest major version.
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
        if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

install_postgres() {
    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if ! command -v sudo >/dev/null 2>&1; then
            log "PostgreSQL is not installed and sudo is missing; install the 'postgresql' package"
            exit 1
        fi
        sudo=(sudo)
    fi
    log "PostgreSQL not found; installing Debian's postgresql package"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -q --no-install-recommends postgresql >&2
}

free_port() {
    local python
    python=$(command -v python3 || command -v python)
    "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

BINDIR=$(find_pg_bindir) || { install_postgres; BINDIR=$(find_pg_bindir); } || {
    log "initdb/pg_ctl still not found after installing postgresql"
    exit 1
}

WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/progman-pg.XXXXXX")
RUN_AS=()
if [[ $(id -u) -eq 0 ]]; then
    SERVER_USER=postgres
    id -u "$SERVER_USER" >/dev/null 2>&1 || SERVER_USER=nobody
    chown "$SERVER_USER" "$WORKDIR"
    if command -v runuser >/dev/null 2>&1; then
        RUN_AS=(runuser -u "$SERVER_USER" --)
    else
        RUN_AS=(setpriv --reuid="$SERVER_USER" --regid="$(id -g "$SERVER_USER")" --init-groups --)
    fi
fi

server() {  # run a server binary as the server user, from a folder it can read
    (cd "$WORKDIR" && "${RUN_AS[@]}" "$@")
}

cleanup() {
    local code=$?
    if [[ -f "$WORKDIR/data/postmaster.pid" ]]; then
        server "$BINDIR/pg_ctl" -D "$WORKDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$WORKDIR"
    exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

server "$BINDIR/initdb" -D "$WORKDIR/data" -U "$PG_SUPERUSER" -A trust -E UTF8 \
    --locale=C --no-sync >"$WORKDIR/initdb.log" 2>&1 || {
    cat "$WORKDIR/initdb.log" >&2
    log "initdb failed"
    exit 1
}

PORT=""
for _attempt in 1 2 3 4 5; do
    PORT=$(free_port)
    # No Unix socket: connections go over TCP to 127.0.0.1 only. fsync off: data is disposable.
    if server "$BINDIR/pg_ctl" -D "$WORKDIR/data" -l "$WORKDIR/server.log" -w -t 60 \
        -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >/dev/null; then
        break
    fi
    PORT=""
done
if [[ -z "$PORT" ]]; then
    cat "$WORKDIR/server.log" >&2 || true
    log "the PostgreSQL server did not start"
    exit 1
fi

"$BINDIR/createdb" -h 127.0.0.1 -p "$PORT" -U "$PG_SUPERUSER" "$PG_DATABASE"
export PROGMAN_TEST_PG_URL="postgresql+psycopg://$PG_SUPERUSER@127.0.0.1:$PORT/$PG_DATABASE"
log "PostgreSQL $("$BINDIR/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT ($BINDIR)"

set +e
"$@"
status=$?
set -e
exit "$status"
