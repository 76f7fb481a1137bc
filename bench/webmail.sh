#!/usr/bin/env bash
# Webmail list and open latency on a large mailbox (the mail issue's figure: 100,000 messages).
# Starts Musubi from the jar on its embedded store (or PostgreSQL with DB_URL), delivers COUNT
# messages of about 10 KB to one member over SMTP (CONNECTIONS at a time), then times the web
# client's requests one at a time (bench/WebmailLoad.java): newest page, pages 2-10, any page,
# pages after a given message (keyset: in order, and all over the mailbox), sorted by sender,
# opening a message, its thread, and a Japanese search. Prints p50/p99/max and appends a section
# to docs/benchmarks.md.
#
#   bench/webmail.sh
#
# Environment: JAVA_HOME (temurin 25), COUNT (100000), LOAD_SECONDS (0, no limit; else delivery
# stops after that many seconds and the figures are for what was delivered), CONNECTIONS (8),
# REQUESTS (200), HTTP_PORT (18361), SMTP_PORT (12535), SERVER_JAVA_OPTS (-Xmx1g), DB_URL (a
# PostgreSQL JDBC URL; user postgres), DB_LABEL (how the store is named in the figures), JAR (the
# jar to run; target's by default), DATA (embedded store only: a directory that keeps the loaded
# data dir. The first run loads into it, waits until the search index has caught up, stops the
# server and writes DATA/loaded; every run then measures on a fresh copy of it, so a 100,000-
# message mailbox is delivered once, not per run), MUSUBI_MAIL_GROUP_COMMIT (true lets
# concurrent deliveries share a commit while loading), SETTLE (1: without DATA, wait after the load
# until the search index has caught up before measuring, as a DATA run does).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
COUNT=${COUNT:-100000}
LOAD_SECONDS=${LOAD_SECONDS:-0}
SETTLE=${SETTLE:-0}
CONNECTIONS=${CONNECTIONS:-8}
REQUESTS=${REQUESTS:-200}
HTTP_PORT=${HTTP_PORT:-18361}
SMTP_PORT=${SMTP_PORT:-12535}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx1g}
DOMAIN=webmailbench.example
PASSWORD=Webmail-Bench-Owner-Pass-1
BASE="http://127.0.0.1:$HTTP_PORT"

mkdir -p target
WORK=$(mktemp -d -p "$PWD/target" webmail-bench.XXXXXX)
PID=""
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
}
trap cleanup EXIT

bench_ports_free "$HTTP_PORT" "$SMTP_PORT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load average before: $LOAD_BEFORE" >&2

JAR=${JAR:-$(bench_jar)}
DATA=${DATA:-}
if [[ -n "$DATA" && -n "${DB_URL:-}" ]]; then
  echo "DATA keeps an embedded store; it cannot be used with DB_URL" >&2
  exit 1
fi

DB_ENV=()
STORE="embedded H2"
if [[ -n "${DB_URL:-}" ]]; then
  SCHEMA="webmail_$(date +%s)"
  DB_ENV=(MUSUBI_DB_URL="$DB_URL?currentSchema=$SCHEMA" MUSUBI_DB_USER=postgres
    SPRING_FLYWAY_SCHEMAS="$SCHEMA" SPRING_FLYWAY_CREATE_SCHEMAS=true)
  STORE="PostgreSQL"
fi
STORE=${DB_LABEL:-$STORE}

# start_server DATA_DIR: the server on that data dir, in the background (PID)
start_server() {
  env "${DB_ENV[@]}" MUSUBI_DATA_DIR="$1" SERVER_PORT="$HTTP_PORT" SERVER_ADDRESS=127.0.0.1 \
    MUSUBI_SMTP_PORT="$SMTP_PORT" MUSUBI_SMTP_ADDRESS=127.0.0.1 \
    MUSUBI_SMTP_DNS="${MUSUBI_SMTP_DNS:-127.0.0.1:5399}" \
    MUSUBI_SUBMISSION_PORT=0 MUSUBI_IMAP_PORT=0 \
    MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
    MUSUBI_BOOTSTRAP_PASSWORD=$PASSWORD MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE=0 \
    "$JAVA" $SERVER_JAVA_OPTS -jar "$JAR" >>"$WORK/server.log" 2>&1 &
  PID=$!
  bench_wait_up "$BASE" "$PID" "$WORK/server.log"
}

load() {
  "$JAVA" bench/WebmailLoad.java load 127.0.0.1 "$SMTP_PORT" "kanri@$DOMAIN" "$COUNT" \
    "$CONNECTIONS" "$LOAD_SECONDS" | awk '/^LOADED/ { print $2, $3, $4 }'
}

if [[ -z "$DATA" ]]; then
  start_server "$WORK/data"
  LOADED=$(load)
  if [[ "$SETTLE" == 1 ]]; then
    echo "Loaded ($LOADED); waiting for the search index to catch up" >&2
    "$JAVA" bench/WebmailLoad.java settle "$BASE" "kanri@$DOMAIN" "$PASSWORD"
  fi
else
  if [[ ! -f "$DATA/loaded" ]]; then
    mkdir -p "$DATA"
    start_server "$DATA/data"
    LOADED=$(load)
    echo "Loaded ($LOADED); waiting for the search index to catch up" >&2
    "$JAVA" bench/WebmailLoad.java settle "$BASE" "kanri@$DOMAIN" "$PASSWORD"
    stop_server
    echo "$LOADED $CONNECTIONS $(basename "$JAR")" >"$DATA/loaded"
  fi
  read -r D_DELIVERED D_LOAD_S D_REFUSED CONNECTIONS LOADED_BY <"$DATA/loaded"
  LOADED="$D_DELIVERED $D_LOAD_S $D_REFUSED"
  echo "Measuring on a copy of $DATA (loaded by $LOADED_BY)" >&2
  cp -a "$DATA/data" "$WORK/data"
  start_server "$WORK/data"
fi
read -r DELIVERED LOAD_S REFUSED <<<"$LOADED"
echo "Delivered $DELIVERED messages in $LOAD_S s ($REFUSED refused)" >&2
# each figure also goes to stderr as it is measured, so a failing later request does not lose it
OUT=$("$JAVA" bench/WebmailLoad.java measure "$BASE" "kanri@$DOMAIN" "$PASSWORD" "$DELIVERED" \
  "$REQUESTS" | tee /dev/stderr)
INBOX=$(echo "$OUT" | awk '/^INBOX/ { print $2 }')

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "### Webmail on $INBOX messages, $(date -u +%Y-%m-%d) (bench/webmail.sh, $STORE)"
  echo
  echo "$(nproc) cores, $("$JAVA" -version 2>&1 | head -1), $SERVER_JAVA_OPTS, $(basename "$JAR"); $STORE, local" \
    "encrypted blob store. $DELIVERED messages of about 10 KB delivered over SMTP on $CONNECTIONS" \
    "connections in $LOAD_S s ($REFUSED refused); then $REQUESTS requests of each kind, one at a" \
    "time, as the web client makes them (pages of 50). Load average before $LOAD_BEFORE, after $LOAD."
  echo
  echo "| request | p50 ms | p99 ms | max ms |"
  echo "|---|---|---|---|"
  echo "$OUT" | awk '/^FIG/ { printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }'
} >> docs/benchmarks.md
