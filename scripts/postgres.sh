#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and the benchmark: installed with apt-get when missing, started in a
# temporary folder on a free 127.0.0.1 port as a non-root user (initdb refuses root), removed by postgres_stop.
#   source scripts/postgres.sh && postgres_start   # exports BACKOFFICE_TEST_POSTGRES (a connection string)
#   postgres_stop
# Run alone (bash scripts/postgres.sh), it starts a server, prints its connection string and waits for Ctrl+C.

postgres_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

postgres_install() {
  echo "Installing PostgreSQL for the tests..."
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib >/dev/null
}

postgres_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

postgres_start() {
  local bin user port
  bin=$(postgres_bin)
  if [ -z "$bin" ]; then
    postgres_install || { echo "Could not install PostgreSQL with apt-get." >&2; return 1; }
    bin=$(postgres_bin)
  fi
  # The server must not run as root: as root, run it as the postgres user (made when missing).
  user=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    user=postgres
    id "$user" >/dev/null 2>&1 || useradd --system --no-create-home "$user"
  fi
  POSTGRES_DIR=$(mktemp -d -t backoffice-postgres-XXXXXX)
  chown "$user" "$POSTGRES_DIR"
  as_postgres() { if [ "$(id -un)" = "$user" ]; then "$@"; else runuser -u "$user" -- "$@"; fi; }
  as_postgres "$bin/initdb" -D "$POSTGRES_DIR/data" -U backoffice --auth=trust -E UTF8 --locale=C.UTF-8 >"$POSTGRES_DIR/initdb.log" 2>&1 \
    || { cat "$POSTGRES_DIR/initdb.log" >&2; return 1; }
  for _ in 1 2 3; do
    port=$(postgres_free_port) || return 1
    # Durability is not what a throwaway test server is for.
    if as_postgres "$bin/pg_ctl" -D "$POSTGRES_DIR/data" -l "$POSTGRES_DIR/server.log" -w -t 60 start \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $POSTGRES_DIR -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
      export BACKOFFICE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=backoffice;Database=postgres"
      POSTGRES_BIN=$bin
      POSTGRES_USER=$user
      return 0
    fi
  done
  cat "$POSTGRES_DIR/server.log" >&2
  return 1
}

postgres_stop() {
  [ -n "${POSTGRES_DIR:-}" ] || return 0
  if [ "$(id -un)" = "$POSTGRES_USER" ]; then
    "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1
  else
    runuser -u "$POSTGRES_USER" -- "$POSTGRES_BIN/pg_ctl" -D "$POSTGRES_DIR/data" -m immediate stop >/dev/null 2>&1
  fi
  rm -rf "$POSTGRES_DIR"
  unset POSTGRES_DIR BACKOFFICE_TEST_POSTGRES
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  postgres_start
  trap postgres_stop EXIT
  echo "$BACKOFFICE_TEST_POSTGRES"
  echo "PostgreSQL is running; Ctrl+C stops and removes it."
  while true; do sleep 3600; done
fi
