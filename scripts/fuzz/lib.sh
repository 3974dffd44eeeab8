# Shared by scripts/fuzz-graphql and scripts/fuzz-rest (sourced from the repository's root):
# the pinned schemathesis in target/fuzz-venv, and a fresh embedded server of our own (its own
# data directory and port) that is stopped on exit.
SCHEMATHESIS_VERSION=4.32.5
venv=target/fuzz-venv

# Installs schemathesis once (PyPI) and builds the server unless CLUSTERGENIE_BIN names one.
fuzz_setup() {
  if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  bin=${CLUSTERGENIE_BIN:-}
  if [ -z "$bin" ]; then
    cargo build --locked -q --bin clustergenie
    bin=${CARGO_TARGET_DIR:-target}/debug/clustergenie
  fi
}

# Starts the server with the extra VAR=value settings given, its log in $1/server.log; sets
# $port and $base, and waits until it answers.
fuzz_serve() {
  local out=$1
  shift
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base="http://127.0.0.1:$port"
  data=$(mktemp -d)
  log="$out/server.log"
  env CLUSTERGENIE_LISTEN="127.0.0.1:$port" CLUSTERGENIE_DATA_DIR="$data" CLUSTERGENIE_PROVISION_SECONDS=1 \
    CLUSTERGENIE_LOG_FORMAT=json RUST_BACKTRACE=1 "$@" "$bin" serve >"$log" 2>&1 &
  server=$!
  trap fuzz_stop EXIT
  for _ in $(seq 1 600); do
    curl -fsS "$base/health" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { cat "$log"; echo "fuzz: server exited"; exit 1; }
    sleep 0.1
  done
  echo "fuzz: the server did not answer within a minute"
  exit 1
}

fuzz_stop() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}

# Fails (after saying why) when schemathesis failed ($1: its exit status) or the server panicked.
fuzz_verdict() {
  local status=$1 name=$2 problems=${3:-0}
  if grep -q 'panicked' "$log"; then
    echo "$name: the server panicked (see $log)"
    problems=1
  fi
  if [ "$status" -ne 0 ] || [ "$problems" -ne 0 ]; then
    echo "$name: failed"
    exit 1
  fi
}
