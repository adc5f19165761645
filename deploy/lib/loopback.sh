# Loopback helpers shared by deploy/local-cluster.sh and the benchmarks (bench/http/lib.sh):
# free ports (never fixed ones: CI and a developer's machine may already hold any given port)
# and a throwaway PostgreSQL run as the postgres user (initdb refuses root). Sourced, never run.
# shellcheck shell=bash

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# port_held PORT: any socket on it, in any state (a connect test sees listeners only).
port_held() { command -v ss >/dev/null && [[ -n "$(ss -Htan "sport = :$1" 2>/dev/null)" ]]; }
LOOPBACK_TAKEN=" "
# free_port VAR: sets the variable named VAR to a free loopback port not handed out before by this
# shell (a variable, not echo: LOOPBACK_TAKEN must be updated here, not in a subshell). Picked below
# the kernel's ephemeral range when there is room: outgoing connections take their local ports from
# that range, and a port held by one (or by a closed one in TIME_WAIT, many after a test run)
# makes a silo's bind fail although nothing listens on it.
free_port() {
  local p low=20000 high=52767 ephemeral
  if read -r ephemeral _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null && ((ephemeral - low >= 2000)); then high=$((ephemeral - 1)); fi
  for _ in $(seq 1 200); do
    p=$((low + RANDOM % (high - low + 1)))
    [[ "$LOOPBACK_TAKEN" == *" $p "* ]] && continue
    if ! port_in_use "$p" && ! port_held "$p"; then LOOPBACK_TAKEN+="$p "; printf -v "$1" '%s' "$p"; return 0; fi
  done
  echo "no free loopback port found" >&2
  return 1
}

as_postgres() { if [[ "$(id -u)" = 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# postgres_bin: sets PG_BIN to the newest installed PostgreSQL server's bin directory.
postgres_bin() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [[ -n "$PG_BIN" ]] && return 0
  echo "PostgreSQL server binaries are missing: apt-get install -y postgresql" >&2
  return 1
}

# start_throwaway_postgres DATA_DIR PORT [SERVER_OPTIONS...]: initdb (trust, UTF8) and start on
# 127.0.0.1:PORT with the Unix socket inside DATA_DIR (a shared /tmp socket collides with any
# other server on the same port number). The parent of DATA_DIR must be traversable by postgres.
# On failure prints the tail of the server log and returns 1.
start_throwaway_postgres() {
  local data=$1 port=$2; shift 2
  postgres_bin || return 1
  mkdir -p "$data"
  [[ "$(id -u)" = 0 ]] && chown postgres:postgres "$data"
  if ! as_postgres "$PG_BIN/initdb" -D "$data" -U postgres -A trust -E UTF8 >"$data.initdb.log" 2>&1; then
    tail -20 "$data.initdb.log" >&2
    return 1
  fi
  if ! as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $port -k $data -c listen_addresses=127.0.0.1 -c max_connections=300 $*" start >/dev/null; then
    echo "PostgreSQL did not start on 127.0.0.1:$port; the end of its log:" >&2
    tail -20 "$data/server.log" >&2
    return 1
  fi
}

# stop_throwaway_postgres DATA_DIR: fast shutdown if it was initialised; quiet otherwise.
stop_throwaway_postgres() {
  [[ -n "${PG_BIN:-}" && -f "$1/PG_VERSION" ]] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}
