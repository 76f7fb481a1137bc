#!/usr/bin/env bash
# IMAP side by side: Musubi and Dovecot (Maildir), same machine, same run, the same COUNT
# (100,000) generated messages in one INBOX. bench/ImapLoad.java measures, for each server: SELECT,
# FETCH 1:* (FLAGS ENVELOPE), UID SEARCH on a subject word (Japanese, CHARSET UTF-8), FETCH
# BODY[] of 1,000 messages (each of these two also "-again": the median of three more, after the
# first answer since start), the IDLE notification delay (another session APPENDs), and 50
# concurrent sessions (log in, SELECT, FETCH the newest 100 envelopes) for 15 s. Prints the
# figures with ratios and appends them to docs/benchmarks.md.
#
#   bench/imap.sh
#
# Environment: JAVA_HOME (default temurin 25), COUNT (100000), APPEND_CONNECTIONS (8),
# IMAP_PORT (11143, Musubi), DOVECOT_PORT (21143), HTTP_PORT (18352), SERVER_JAVA_OPTS, JAR (the
# server jar; default target/musubi-*.jar, built when missing).
# Dovecot gets its messages as Maildir files; Musubi by APPEND over IMAP (its load time is printed
# but not compared). Both allow 100 connections per user and address for the session test.
# For same-minute A/B runs of two jars on the same data: DATA (a directory that keeps Musubi's data
# between runs; loading by APPEND is skipped when it already holds a loaded store) and DOVECOT=0
# (Musubi only).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
COUNT=${COUNT:-100000}
APPEND_CONNECTIONS=${APPEND_CONNECTIONS:-8}
IMAP_PORT=${IMAP_PORT:-11143}
DOVECOT_PORT=${DOVECOT_PORT:-21143}
HTTP_PORT=${HTTP_PORT:-18352}
DOMAIN=imapbench.example
PASSWORD=Imap-Bench-Owner-Pass-1
DATA=${DATA:-}
DOVECOT=${DOVECOT:-1}
PEERS=${PEERS:-$(realpath ../shared/peers 2>/dev/null || echo /work/shared/peers)}

WORK=$(mktemp -d)
chmod 755 "$WORK"
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  "$PEERS/dovecot" stop "$WORK/dovecot" >/dev/null 2>&1 </dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Dovecot (its daemon keeps inherited descriptors: never pipe its start).
DOVECOT_OUT=""
DOVECOT_VERSION=-
if [[ "$DOVECOT" == 1 ]]; then
"$PEERS/dovecot" start "$WORK/dovecot" "$DOVECOT_PORT" bench secret >"$WORK/dovecot-start.log" 2>&1 </dev/null
cat >>"$WORK/dovecot/dovecot.conf" <<CONF
mail_max_userip_connections = 100
CONF
doveadm -c "$WORK/dovecot/dovecot.conf" reload </dev/null >/dev/null 2>&1
DOVECOT_VERSION=$(dovecot --version | cut -d' ' -f1)
"$JAVA" bench/ImapLoad.java maildir "$WORK/dovecot/home/bench/Maildir/cur" "$COUNT" >&2
"$PEERS/dovecot" own "$WORK/dovecot"
DOVECOT_OUT=$("$JAVA" bench/ImapLoad.java measure 127.0.0.1 "$DOVECOT_PORT" bench secret dovecot)
echo "$DOVECOT_OUT"
"$PEERS/dovecot" stop "$WORK/dovecot" >/dev/null 2>&1 </dev/null || true
fi

# Musubi
jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
JAR=${JAR:-$(jar)}
if [[ -z "$JAR" ]]; then
  echo "Building the jar..." >&2
  ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true >&2
  JAR=$(jar)
fi
DATA_DIR=${DATA:-$WORK/data}
LOADED=0
[[ -n "$DATA" && -f "$DATA/.loaded" ]] && LOADED=1
env MUSUBI_DATA_DIR="$DATA_DIR" SERVER_PORT="$HTTP_PORT" SERVER_ADDRESS=127.0.0.1 \
  MUSUBI_IMAP_PORT="$IMAP_PORT" MUSUBI_IMAP_ADDRESS=127.0.0.1 MUSUBI_SMTP_PORT=0 MUSUBI_SUBMISSION_PORT=0 \
  MUSUBI_IMAP_MAX_CONNECTIONS_PER_MEMBER=100 MUSUBI_IMAP_MAX_CONNECTIONS_PER_ADDRESS=100 \
  MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE=1000000 MUSUBI_RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000 \
  MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
  MUSUBI_BOOTSTRAP_PASSWORD=$PASSWORD \
  "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 1200); do
  curl -s -m 1 "http://127.0.0.1:$HTTP_PORT/actuator/health" | grep -q '"UP"' && break
  kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
  sleep 0.1
done
if [[ "$LOADED" == 1 ]]; then
  LOAD_OUT="$(cat "$DATA/.loaded") earlier"
else
  LOAD_OUT=$("$JAVA" bench/ImapLoad.java append 127.0.0.1 "$IMAP_PORT" "kanri@$DOMAIN" "$PASSWORD" \
    "$COUNT" "$APPEND_CONNECTIONS")
  [[ -n "$DATA" ]] && echo "$LOAD_OUT" > "$DATA/.loaded"
fi
echo "musubi: $LOAD_OUT" >&2
MUSUBI_OUT=$("$JAVA" bench/ImapLoad.java measure 127.0.0.1 "$IMAP_PORT" "kanri@$DOMAIN" "$PASSWORD" musubi)
echo "$MUSUBI_OUT"

[[ "$DOVECOT" == 1 ]] || exit 0
value() { echo "$1" | awk -v k="$2" '$3 == k { print $4 }'; }
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "### IMAP, $(date -u +%Y-%m-%d) (bench/imap.sh)"
  echo
  echo "$COUNT messages (2–6 KB, a third Japanese) in one INBOX, loopback; $(nproc) cores," \
    "$("$JAVA" -version 2>&1 | head -1), Dovecot $DOVECOT_VERSION (Maildir, indexes built by the" \
    "first SELECT of a warm-up session, as for Musubi); load average after the run $LOAD." \
    "Musubi was loaded by APPEND ($LOAD_OUT). Times in ms (lower is better) except sessions/s."
  echo
  echo "| figure | Dovecot | Musubi | Musubi/Dovecot |"
  echo "|---|---|---|---|"
  for k in select-ms fetch-envelopes-ms search-subject-ms search-subject-again-ms \
    fetch-bodies-1000-ms fetch-bodies-1000-again-ms idle-delay-ms sessions-50-per-s \
    sessions-50-failed search-subject-hits; do
    d=$(value "$DOVECOT_OUT" "$k")
    m=$(value "$MUSUBI_OUT" "$k")
    r=$(awk -v m="$m" -v d="$d" 'BEGIN { if (d > 0) printf "%.2f", m / d; else print "-" }')
    echo "| $k | $d | $m | $r |"
  done
} >> docs/benchmarks.md
tail -14 docs/benchmarks.md
