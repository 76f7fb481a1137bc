#!/usr/bin/env bash
# CalDAV side by side: Musubi and Radicale, same machine, same run, the same COUNT (10,000)
# generated events over 2027 (a tenth recurring, some with EXDATEs). bench/CalDavLoad.java PUTs
# the first 500 into each server (for the write rate), gives Radicale the rest as files in its
# store and Musubi all of them by .ics import (5,000 per file), then times REQUESTS (100) REPORT
# calendar-query requests with a one-month time-range and calendar-data on each server, in
# alternating rounds; then the web client's week view (GET /api/v1/agenda, WEEK_REQUESTS = 200
# times) for a member subscribed to 20 colleagues' calendars of 500 events each. Prints the
# figures with ratios and appends them to docs/benchmarks.md. About 10 minutes on a quiet machine.
#
#   bench/caldav.sh
#
# Environment: JAVA_HOME (default temurin 25), COUNT (10000), REQUESTS (100), WEEK_REQUESTS (200),
# HTTP_PORT (28653, Musubi), RADICALE_PORT (25652), JAR (default target/musubi-*.jar),
# SERVER_JAVA_OPTS, DB_URL (a PostgreSQL JDBC URL instead of the embedded H2; the database must
# exist and be empty).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
COUNT=${COUNT:-10000}
REQUESTS=${REQUESTS:-100}
WEEK_REQUESTS=${WEEK_REQUESTS:-200}
HTTP_PORT=${HTTP_PORT:-28653}
RADICALE_PORT=${RADICALE_PORT:-25652}
DOMAIN=calbench.example
PASSWORD=Cal-Bench-Owner-Pass-1
PEERS=${PEERS:-$(realpath ../shared/peers 2>/dev/null || echo /work/shared/peers)}
[[ -x "$PEERS/radicale" ]] || PEERS=/work/shared/peers

WORK=$(mktemp -d)
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  "$PEERS/radicale" stop "$WORK/radicale" >/dev/null 2>&1 </dev/null || true
  rm -rf "$WORK" 2>/dev/null || { sleep 2; rm -rf "$WORK"; }
}
trap cleanup EXIT

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Radicale (a daemon: never pipe its start).
"$PEERS/radicale" start "$WORK/radicale" "$RADICALE_PORT" >"$WORK/radicale-start.log" 2>&1 </dev/null
RADICALE_VERSION=$(/usr/bin/python3 -m radicale --version)

# Musubi
jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
JAR=${JAR:-$(jar)}
if [[ -z "$JAR" ]]; then
  echo "Building the jar..." >&2
  ./mvnw -B -o -q package -DskipTests -Dspotless.check.skip=true >&2
  JAR=$(jar)
fi
STORE=embedded
DB_ENV=()
if [[ -n "${DB_URL:-}" ]]; then
  STORE=postgresql
  DB_ENV=(MUSUBI_DB_URL="$DB_URL" MUSUBI_DB_USER="${DB_USER:-postgres}" MUSUBI_DB_PASSWORD="${DB_PASSWORD:-}")
fi
env MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$HTTP_PORT" SERVER_ADDRESS=127.0.0.1 \
  MUSUBI_IMAP_PORT=0 MUSUBI_SMTP_PORT=0 MUSUBI_SUBMISSION_PORT=0 MUSUBI_IMAP_ADDRESS=127.0.0.1 \
  MUSUBI_SMTP_ADDRESS=127.0.0.1 MUSUBI_SUBMISSION_ADDRESS=127.0.0.1 \
  MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE=0 MUSUBI_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 \
  MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
  MUSUBI_BOOTSTRAP_PASSWORD=$PASSWORD "${DB_ENV[@]}" \
  "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 1200); do
  grep -q 'Created company' "$WORK/server.log" &&
    curl -s -m 1 "http://127.0.0.1:$HTTP_PORT/actuator/health" | grep -q '"UP"' && break
  kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done

OUT=$("$JAVA" bench/CalDavLoad.java "http://127.0.0.1:$HTTP_PORT" kanri "$PASSWORD" "$DOMAIN" \
  "http://127.0.0.1:$RADICALE_PORT" "$WORK/radicale" "$COUNT" "$REQUESTS" "$WEEK_REQUESTS" \
  2>"$WORK/load.err") ||
  { cat "$WORK/load.err" >&2; tail -40 "$WORK/server.log" >&2; exit 1; }
echo "$OUT"
RSS=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")

value() { echo "$OUT" | awk -v s="$1" -v k="$2" '$2 == s && $3 == k { print $4 }'; }
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "### CalDAV, $(date -u +%Y-%m-%d) (bench/caldav.sh, $STORE store)"
  echo
  echo "$COUNT events over 2027 in one calendar (a tenth recurring: weekly and daily RRULEs, a third" \
    "of those with EXDATEs; Japanese text), loopback; $(nproc) cores, $("$JAVA" -version 2>&1 | head -1)," \
    "Radicale $RADICALE_VERSION (Debian, file store, its item cache warm). Both servers got the first" \
    "500 events by PUT, 4 at a time (Musubi into a second calendar); Radicale the rest as files in its" \
    "store (its first REPORT then builds its cache), Musubi all of them by .ics import in files of 5,000 (\`POST" \
    "/api/v1/calendars/{id}/import\`). REPORT calendar-query with a one-month time-range" \
    "and calendar-data, $(value musubi query-requests | cut -d. -f1) requests per server, one at a time," \
    "alternating between the servers in rounds of 20 after a warm-up. Other builds ran on the machine;" \
    "load average after the run $LOAD, Musubi RSS $RSS MB. Times in ms (lower is better)."
  echo
  echo "| figure | Radicale | Musubi | Musubi/Radicale |"
  echo "|---|---|---|---|"
  for k in put-500-ms first-query-ms import-ms month-hits-12 query-month-p50-ms query-month-p99-ms \
    query-month-kb; do
    r=$(value radicale "$k")
    m=$(value musubi "$k")
    r=${r:--}
    m=${m:--}
    q=$(awk -v m="$m" -v r="$r" 'BEGIN { if (r != "-" && m != "-" && r > 0) printf "%.2f", m / r; else print "-" }')
    echo "| $k | $r | $m | $q |"
  done
  echo
  echo "Week view: \`GET /api/v1/agenda\` for one week as a member subscribed to 20 colleagues'" \
    "calendars (500 events each, shared at details), $WEEK_REQUESTS requests over the weeks of 2027:" \
    "p50 $(value musubi week-p50-ms) ms, p99 $(value musubi week-p99-ms) ms," \
    "$(value musubi week-occurrences) occurrences per week (setup $(value musubi week-setup-ms) ms)."
} >>docs/benchmarks.md
tail -16 docs/benchmarks.md
