#!/usr/bin/env bash
# Talk load test with Mattermost's method, on loopback. Starts Musubi on a fresh store (embedded
# H2 data dir, or a fresh PostgreSQL database musubi_bench_talk on 127.0.0.1:5432 that is dropped
# afterwards) with cheap Argon2id costs, creates MEMBERS members through the admin API, stops the
# server, loads ROOMS rooms and MESSAGES messages with bench/TalkData.java (bench-only, straight
# into the tables the way the product writes them; the send API is rate-limited per member),
# rebuilds the search index with `java -jar musubi.jar index-rebuild`, starts the server again
# with the production Argon2id costs (each member's first sign-in replaces the cheap hash by a
# production one, so every ramp sign-in pays a production hash) and runs bench/TalkMix.java: adds
# STEP simulated members per step (sign in, one WebSocket, Mattermost's action mix with think
# time) until the average request latency passes 100 ms, p99 passes 2 s or errors pass 0.025 %,
# or MAX_SECONDS of ramping have passed. Then measures search latency on the loaded dataset.
#
#   STORE=embedded MESSAGES=100000 bench/talk-mix.sh
#
# Environment: JAVA_HOME (temurin 25), STORE (embedded | postgres), MEMBERS (1000), ROOMS
# (5000), MESSAGES (1000000), STEP (50), START (STEP), COARSE_STEP and FINE_FROM (steps of
# COARSE_STEP members below FINE_FROM, then STEP), STEP_SECONDS (60), WARMUP_SECONDS (10),
# THINK_MS (5000), MAX_USERS (4000), MAX_SECONDS (1800), SEARCHES (200), PORT (first free block
# of five from 18351: HTTP, then SMTP, submission, IMAP, IMAPS), START_TIMEOUT (seconds a server
# start may take, 600), SERVER_JAVA_OPTS (server JVM only), PGHOST (127.0.0.1), PGPORT (5432),
# LEAK_MS (bench diagnosis: Hikari leak-detection threshold in ms for the ramp's server and its
# pool stats in the log, off), LOG_DIR (where the server logs are kept, target/talk-mix-logs).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
STORE=${STORE:-embedded}
MEMBERS=${MEMBERS:-1000}
ROOMS=${ROOMS:-5000}
MESSAGES=${MESSAGES:-1000000}
START_TIMEOUT=${START_TIMEOUT:-600}
LOG_DIR=${LOG_DIR:-target/talk-mix-logs}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGDB=musubi_bench_talk
export PGOPTIONS="-c client_min_messages=warning"
export STEP=${STEP:-50} STEP_SECONDS=${STEP_SECONDS:-60} WARMUP_SECONDS=${WARMUP_SECONDS:-10}
export THINK_MS=${THINK_MS:-5000} MAX_USERS=${MAX_USERS:-4000} MAX_SECONDS=${MAX_SECONDS:-1800}
export SEARCHES=${SEARCHES:-200}
[[ -n "${START:-}" ]] && export START
[[ -n "${COARSE_STEP:-}" ]] && export COARSE_STEP
[[ -n "${FINE_FROM:-}" ]] && export FINE_FROM
DOMAIN=talkmix.example
ADMIN_PASSWORD=Talk-Mix-Owner-Pass-1
LABEL="$STORE"

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
block_free() {
  local p
  for p in "$1" $(($1 + 1)) $(($1 + 2)) $(($1 + 3)) $(($1 + 4)); do
    port_taken "$p" && return 1
  done
  return 0
}
# A given PORT must be free with its four mail ports; without one the first free block is taken.
# A lock directory per block keeps two runs started together (whose servers are not listening
# yet) apart; it goes with the run.
# (The servers are stopped between the loading steps, so a free port alone does not tell.)
PORT_LOCK=""
port_lock() { mkdir "${TMPDIR:-/tmp}/talk-mix-port-$1.lock" 2>/dev/null; }
if [[ -n "${PORT:-}" ]]; then
  bench_ports_free "$PORT" $((PORT + 1)) $((PORT + 2)) $((PORT + 3)) $((PORT + 4))
  port_lock "$PORT" || {
    echo "port $PORT is used by another talk-mix run (${TMPDIR:-/tmp}/talk-mix-port-$PORT.lock)" >&2
    exit 1
  }
else
  PORT=18351
  until block_free "$PORT" && port_lock "$PORT"; do
    PORT=$((PORT + 10))
    ((PORT < 19000)) || { echo "no five free ports between 18351 and 19000" >&2; exit 1; }
  done
fi
PORT_LOCK="${TMPDIR:-/tmp}/talk-mix-port-$PORT.lock"
trap 'rmdir "$PORT_LOCK" 2>/dev/null || true' EXIT

BASE="http://127.0.0.1:$PORT"

jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
JAR=$(jar)
# A jar older than the sources would measure old code (e.g. without the hash upgrade at sign-in).
if [[ -z "$JAR" || -n "$(find src/main pom.xml -newer "$JAR" -print -quit)" ]]; then
  echo "Building the jar..." >&2
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true >&2
  JAR=$(jar)
fi

PID=""
WORK=$(mktemp -d)
stop_server() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  PID=""
}
cleanup() {
  local rc=$?
  stop_server
  mkdir -p "$LOG_DIR"
  cp "$WORK"/*.log "$LOG_DIR"/ 2>/dev/null || true
  rm -rf "$WORK"
  if [[ -n "$PORT_LOCK" ]]; then rmdir "$PORT_LOCK" 2>/dev/null || true; fi
  if [[ "$STORE" == postgres ]]; then
    psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  if ((rc != 0)); then
    echo "talk-mix failed (exit $rc); server logs kept in $LOG_DIR" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Member creation hashes each password; with production costs 1,000 members took 330–530 s. The
# loading server hashes cheaply (1 MiB × 1 pass, the test suite's costs); the ramp's server runs
# with the production costs and upgrades each cheap hash at the member's first sign-in.
CHEAP_HASHING=(MUSUBI_IDENTITY_PASSWORD_HASHING_MEMORY_KIB=1024
  MUSUBI_IDENTITY_PASSWORD_HASHING_ITERATIONS=1)
SERVER_ENV=(MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$PORT"
  MUSUBI_SMTP_PORT=$((PORT + 1)) MUSUBI_SUBMISSION_PORT=$((PORT + 2))
  MUSUBI_IMAP_PORT=$((PORT + 3)) MUSUBI_IMAPS_PORT=$((PORT + 4))
  MUSUBI_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0
  MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri
  MUSUBI_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD)
case "$STORE" in
  embedded)
    JDBC_URL="jdbc:h2:file:$WORK/data/db/musubi;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
    JDBC_USER=sa
    DRIVER='BOOT-INF/lib/h2-*.jar'
    ;;
  postgres)
    command -v psql >/dev/null || { echo "psql is needed for STORE=postgres" >&2; exit 2; }
    psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" -c "CREATE DATABASE $PGDB" >/dev/null
    JDBC_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDB?reWriteBatchedInserts=true"
    JDBC_USER=postgres
    SERVER_ENV+=(MUSUBI_DB_URL="jdbc:postgresql://$PGHOST:$PGPORT/$PGDB" MUSUBI_DB_USER=postgres
      MUSUBI_DB_PASSWORD=)
    DRIVER='BOOT-INF/lib/postgresql-*.jar'
    ;;
  *) echo "STORE must be embedded or postgres" >&2; exit 2 ;;
esac
RAMP_ENV=()
if [[ -n "${LEAK_MS:-}" ]]; then
  # Bench diagnosis only: Hikari logs the stack of every connection held longer than LEAK_MS and
  # its pool stats (total, active, idle, waiting) every 30 s.
  RAMP_ENV+=(SPRING_DATASOURCE_HIKARI_LEAKDETECTIONTHRESHOLD="$LEAK_MS"
    LOGGING_LEVEL_COM_ZAXXER_HIKARI=DEBUG)
fi

# start_server LOG PATTERN [ENV...]: starts the jar and waits until health is UP and LOG shows
# PATTERN (when not empty); exits with the log's tail when the server ends or START_TIMEOUT passes.
start_server() {
  local log=$1 pattern=$2
  shift 2
  bench_ports_free "$PORT" $((PORT + 1)) $((PORT + 2)) $((PORT + 3)) $((PORT + 4))
  : >"$log"
  env "${SERVER_ENV[@]}" "$@" "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >>"$log" 2>&1 &
  PID=$!
  local deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if [[ -z "$pattern" ]] || grep -q "$pattern" "$log"; then
      curl -s -m 2 "$BASE/actuator/health" | grep -q '"UP"' && return 0
    fi
    kill -0 "$PID" 2>/dev/null || { echo "server ended:" >&2; tail -50 "$log" >&2; exit 1; }
    sleep 0.2
  done
  echo "server not up after $START_TIMEOUT s (START_TIMEOUT):" >&2
  tail -30 "$log" >&2
  exit 1
}
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
T_ALL=$(now)
echo "talk-mix: store=$STORE members=$MEMBERS rooms=$ROOMS messages=$MESSAGES port=$PORT; jar $JAR;" \
  "$("$JAVA" -version 2>&1 | head -1); $(nproc) cores; load average $(load)"

t=$(now)
start_server "$WORK/setup-server.log" 'Created company' "${CHEAP_HASHING[@]}"
echo "step 1: fresh server up in $(took "$t") s (load average $(load))"
t=$(now)
"$JAVA" bench/TalkMix.java setup "$BASE" "kanri@$DOMAIN" "$ADMIN_PASSWORD" "$DOMAIN" "$MEMBERS"
echo "step 2: $MEMBERS members through the admin API (cheap hashing) in $(took "$t") s" \
  "(load average $(load))"
stop_server

mkdir -p "$WORK/lib"
unzip -q -j -o "$JAR" "$DRIVER" -d "$WORK/lib"
t=$(now)
"$JAVA" -cp "$(ls "$WORK"/lib/*.jar)" bench/TalkData.java "$JDBC_URL" "$JDBC_USER" "" \
  "$ROOMS" "$MESSAGES" >"$WORK/tenant"
echo "step 3: $ROOMS rooms and $MESSAGES messages written in $(took "$t") s (load average $(load))"
if [[ "$STORE" == postgres ]]; then
  t=$(now)
  psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -d "$PGDB" -c "VACUUM ANALYZE" >/dev/null
  echo "step 3b: VACUUM ANALYZE in $(took "$t") s"
fi
t=$(now)
env "${SERVER_ENV[@]}" \
  "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" index-rebuild "$(cat "$WORK/tenant")" \
  >"$WORK/rebuild.log" 2>&1 || { tail -30 "$WORK/rebuild.log" >&2; exit 1; }
echo "step 4: index-rebuild: $(grep -o 'indexed=[0-9]*' "$WORK/rebuild.log") in $(took "$t") s" \
  "(load average $(load))"
echo "data dir: $(du -sh "$WORK/data" | cut -f1)"

t=$(now)
# Production Argon2id costs from here on (the server's defaults, or the caller's MUSUBI_IDENTITY_*).
start_server "$WORK/server.log" '' "${RAMP_ENV[@]}"
echo "step 5: server up on the loaded store in $(took "$t") s (load average $(load))"
if grep -q 'below the OWASP minimum' "$WORK/server.log"; then
  echo "the ramp's server hashes below the OWASP minimum: unset MUSUBI_IDENTITY_PASSWORD_HASHING_*" >&2
  exit 1
fi
echo "loading took $(took "$T_ALL") s in all"
t=$(now)
"$JAVA" bench/TalkMix.java run "$BASE" "$DOMAIN" "$MEMBERS" "$LABEL"
echo "step 6: ramp in $(took "$t") s"
echo "RSS after the ramp: $(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status") MB," \
  "load average $(load)"
if [[ "$STORE" == postgres ]]; then
  echo "member hashes still cheap after the ramp (signed-in members' are upgraded):" \
    "$(psql -qtA -h "$PGHOST" -p "$PGPORT" -U postgres -d "$PGDB" \
      -c "SELECT COUNT(*) FILTER (WHERE password_hash LIKE '\$argon2id\$v=19\$m=1024,%'),
          COUNT(*) FROM member")"
fi
sleep 20
echo "load average before the search run: $(load)"
"$JAVA" bench/TalkMix.java search "$BASE" "$DOMAIN" "$MEMBERS" "$LABEL"
if [[ -n "${LEAK_MS:-}" ]]; then
  echo "connections held over $LEAK_MS ms: $(grep -c 'Apparent connection leak' "$WORK/server.log")," \
    "pool stats with the most waiting: $(grep -o 'Pool stats.*' "$WORK/server.log" |
      awk -F'waiting=' '{ w = $2 + 0; if (w >= m) { m = w; l = $0 } } END { print l }')"
fi
if grep -q -E 'ERROR|Exception|leak detection' "$WORK/server.log"; then
  echo "server log errors and connection leak warnings (first 20):"
  grep -m 20 -E 'ERROR|Exception|leak detection' "$WORK/server.log"
fi
echo "talk-mix done in $(took "$T_ALL") s"
