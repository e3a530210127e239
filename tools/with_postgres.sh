#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL server, so the ledger tests also run on PostgreSQL.
#
#   bash tools/with_postgres.sh .venv/bin/python -m pytest tests/test_ledger*.py -q
#
# Finds pg_ctl (PATH or /usr/lib/postgresql/*/bin); when it is missing and we are root, installs
# Debian's postgresql (apt-get, bounded by timeouts). Then initdb in a temporary folder
# (-A trust, user kit), starts the server on 127.0.0.1 on a free port with its socket in that
# folder, exports KIT_TEST_POSTGRES_URL=postgresql+psycopg://kit@127.0.0.1:PORT/postgres and runs
# the command. The server is always stopped and the folder removed. The last line says
# "PostgreSQL leg: ran (server 15.x)" or "PostgreSQL leg: skipped (reason)". Failing to get a
# server never fails the run: the command then runs without KIT_TEST_POSTGRES_URL (the tests
# skip their PostgreSQL half). The exit code is the command's.
set -u

if [ "$#" -eq 0 ]; then
    echo "usage: bash tools/with_postgres.sh COMMAND [ARGS...]" >&2
    exit 2
fi

TMP=""
PG_BIN=""
PG_USER=""
STATUS=""

find_bin() {
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
        return 0
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/pg_ctl" ]; then
        PG_BIN="$dir"
        return 0
    fi
    return 1
}

as_pg() {  # run a command as the server's owner (postgres when we are root)
    if [ -n "$PG_USER" ]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u "$PG_USER" -- "$@"
        else
            su -s /bin/sh "$PG_USER" -c "$(printf '%q ' "$@")"
        fi
    else
        "$@"
    fi
}

cleanup() {
    if [ -n "$TMP" ] && [ -d "$TMP" ]; then
        if [ -f "$TMP/data/postmaster.pid" ]; then
            as_pg "$PG_BIN/pg_ctl" -D "$TMP/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
        fi
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_server() {
    if ! find_bin; then
        if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "with_postgres: pg_ctl not found; installing Debian's postgresql ..." >&2
            export DEBIAN_FRONTEND=noninteractive
            timeout 180 apt-get update -qq >/dev/null 2>&1 || true
            timeout 600 apt-get install -y -qq postgresql >/dev/null 2>&1 || true
        fi
        if ! find_bin; then
            STATUS="skipped (pg_ctl not found and PostgreSQL could not be installed)"
            return 1
        fi
    fi
    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            STATUS="skipped (running as root and there is no 'postgres' user to own the server)"
            return 1
        fi
        PG_USER=postgres
    fi
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/kit-pg.XXXXXX") || { STATUS="skipped (no temporary folder)"; return 1; }
    chmod 755 "$TMP"
    [ -n "$PG_USER" ] && chown "$PG_USER" "$TMP"
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null)
    if [ -z "$port" ]; then
        STATUS="skipped (no free port found)"
        return 1
    fi
    if ! as_pg "$PG_BIN/initdb" -D "$TMP/data" -A trust -U kit -E UTF8 --no-locale >"$TMP/initdb.log" 2>&1; then
        STATUS="skipped (initdb failed: $(tail -n 1 "$TMP/initdb.log"))"
        return 1
    fi
    if ! as_pg "$PG_BIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w -t 60 \
        -o "-p $port -k $TMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" \
        start >/dev/null 2>&1; then
        STATUS="skipped (the server did not start: $(tail -n 1 "$TMP/server.log" 2>/dev/null))"
        return 1
    fi
    local version
    version=$("$PG_BIN/postgres" --version 2>/dev/null | awk '{print $3}')
    export KIT_TEST_POSTGRES_URL="postgresql+psycopg://kit@127.0.0.1:$port/postgres"
    STATUS="ran (server ${version:-unknown})"
    return 0
}

start_server || unset KIT_TEST_POSTGRES_URL
"$@"
rc=$?
cleanup
echo "PostgreSQL leg: $STATUS"
exit $rc
