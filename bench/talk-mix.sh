#!/usr/bin/env bash
# Talk load test with Mattermost's method, on loopback. Starts Musubi on a fresh store (embedded
# H2 data dir, or a fresh PostgreSQL database musubi_bench_talk on 127.0.0.1:5432 that is dropped
# afterwards), creates MEMBERS members through the admin API, stops the server, loads ROOMS rooms
# and MESSAGES messages with bench/TalkData.java (bench-only, straight into the tables the way the
# product writes them; the send API is rate-limited per member), rebuilds the search index with
# `java -jar musubi.jar index-rebuild`, starts the server again and runs bench/TalkMix.java: adds
# STEP simulated members per step (sign in, one WebSocket, Mattermost's action mix with think
# time) until the average request latency passes 100 ms, p99 passes 2 s or errors pass 0.025 %,
# or MAX_SECONDS of ramping have passed. Then measures search latency on the loaded dataset.
#
#   STORE=embedded MESSAGES=100000 bench/talk-mix.sh
#
# Environment: JAVA_HOME (temurin 25), STORE (embedded | postgres), MEMBERS (1000), ROOMS
# (5000), MESSAGES (1000000), STEP (50), START (STEP), STEP_SECONDS (60), WARMUP_SECONDS (10),
# THINK_MS (5000), MAX_USERS (4000), MAX_SECONDS (1800), SEARCHES (200), PORT (18351),
# SERVER_JAVA_OPTS (server JVM only), PGHOST (127.0.0.1), PGPORT (5432).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
STORE=${STORE:-embedded}
MEMBERS=${MEMBERS:-1000}
ROOMS=${ROOMS:-5000}
MESSAGES=${MESSAGES:-1000000}
PORT=${PORT:-18351}
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGDB=musubi_bench_talk
export STEP=${STEP:-50} STEP_SECONDS=${STEP_SECONDS:-60} WARMUP_SECONDS=${WARMUP_SECONDS:-10}
export THINK_MS=${THINK_MS:-5000} MAX_USERS=${MAX_USERS:-4000} MAX_SECONDS=${MAX_SECONDS:-1800}
export SEARCHES=${SEARCHES:-200}
[[ -n "${START:-}" ]] && export START
BASE="http://127.0.0.1:$PORT"
DOMAIN=talkmix.example
ADMIN_PASSWORD=Talk-Mix-Owner-Pass-1
LABEL="$STORE"

jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
JAR=$(jar)
if [[ -z "$JAR" ]]; then
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
  stop_server
  rm -rf "$WORK"
  if [[ "$STORE" == postgres ]]; then
    psql -q -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres \
      -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# Own ports for mail too, so the run does not collide with another Musubi on this machine.
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

start_server() {
  : >"$WORK/server.log"
  env "${SERVER_ENV[@]}" "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >>"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 1800); do
    curl -s -m 1 "$BASE/actuator/health" | grep -q '"UP"' && return 0
    kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "server did not start" >&2
  exit 1
}
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "talk-mix: store=$STORE members=$MEMBERS rooms=$ROOMS messages=$MESSAGES; jar $JAR;" \
  "$("$JAVA" -version 2>&1 | head -1); $(nproc) cores; load average $(load)"

t=$(now)
start_server
until grep -q 'Created company' "$WORK/server.log"; do sleep 0.1; done
echo "step 1: fresh server up in $(took "$t") s"
t=$(now)
"$JAVA" bench/TalkMix.java setup "$BASE" "kanri@$DOMAIN" "$ADMIN_PASSWORD" "$DOMAIN" "$MEMBERS"
echo "step 2: $MEMBERS members through the admin API in $(took "$t") s (load average $(load))"
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
# The command line starts Spring without a web server, where the security configuration cannot be
# built (HttpSecurity missing: every `java -jar musubi.jar <command>` fails at start on main, see
# docs/benchmarks.md); as a bench workaround the command runs in a servlet context on the
# bench's own port, with nothing else talking to it.
env "${SERVER_ENV[@]}" SPRING_MAIN_WEB_APPLICATION_TYPE=servlet \
  "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" index-rebuild "$(cat "$WORK/tenant")" \
  >"$WORK/rebuild.log" 2>&1 || { tail -30 "$WORK/rebuild.log" >&2; exit 1; }
echo "step 4: index-rebuild: $(grep -o 'indexed=[0-9]*' "$WORK/rebuild.log") in $(took "$t") s" \
  "(load average $(load))"
echo "data dir: $(du -sh "$WORK/data" | cut -f1)"

t=$(now)
start_server
echo "step 5: server up on the loaded store in $(took "$t") s"
"$JAVA" bench/TalkMix.java run "$BASE" "$DOMAIN" "$MEMBERS" "$LABEL"
echo "RSS after the ramp: $(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status") MB," \
  "load average $(load)"
sleep 20
echo "load average before the search run: $(load)"
"$JAVA" bench/TalkMix.java search "$BASE" "$DOMAIN" "$MEMBERS" "$LABEL"
if grep -q -E 'ERROR|Exception' "$WORK/server.log"; then
  echo "server log errors (first 20):"
  grep -m 20 -E 'ERROR|Exception' "$WORK/server.log"
fi
