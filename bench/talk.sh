#!/usr/bin/env bash
# Talk delivery latency on loopback: starts Musubi on a fresh embedded store with a bootstrap
# admin, then runs bench/TalkLoad.java: CLIENTS members with one WebSocket each in one group room,
# SENDERS of them sending MESSAGES messages each; reports send and send→deliver p50/p99.
#
#   bench/talk.sh
#
# Environment: JAVA_HOME (default temurin 25), CLIENTS (200), SENDERS (20), MESSAGES (10),
# PORT (18349), SERVER_JAVA_OPTS (passed to the server JVM only).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
CLIENTS=${CLIENTS:-200}
SENDERS=${SENDERS:-20}
MESSAGES=${MESSAGES:-10}
PORT=${PORT:-18349}
BASE="http://127.0.0.1:$PORT"
DOMAIN=talkbench.example
ADMIN_PASSWORD=Talk-Bench-Owner-Pass

jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
JAR=$(jar)
if [[ -z "$JAR" ]]; then
  echo "Building the jar..." >&2
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true >&2
  JAR=$(jar)
fi

PID=""
WORK=$(mktemp -d)
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

env MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$PORT" \
  MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE=0 MUSUBI_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 \
  MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
  MUSUBI_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD \
  "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 1200); do
  grep -q 'Created company' "$WORK/server.log" && curl -s -m 1 "$BASE/actuator/health" | grep -q '"UP"' && break
  kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "Jar: $JAR, $("$JAVA" -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$JAVA" bench/TalkLoad.java "$BASE" "kanri@$DOMAIN" "$ADMIN_PASSWORD" "$DOMAIN" \
  "$CLIENTS" "$SENDERS" "$MESSAGES" embedded
echo "RSS after the run: $(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status") MB," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
