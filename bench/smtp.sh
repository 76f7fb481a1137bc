#!/usr/bin/env bash
# Inbound SMTP throughput on loopback: Musubi and Postfix (delivering to Maildir), same machine,
# same minutes: bench/SmtpLoad.java with CONNECTIONS (20) connections sending 10 KB messages for
# DURATION (30) s, against Postfix and Musubi in turn, ROUNDS (3) times, both servers up all the
# while (the one not measured is idle: after its turn Musubi is given time to finish indexing).
# Prints messages/s of every turn, the mean of each server and the ratio, and appends the figures
# to docs/benchmarks.md (DOCS=0: print only).
#
#   bench/smtp.sh                                   # Musubi on its embedded default (H2)
#   DB_URL=jdbc:postgresql://127.0.0.1:5432/musubi_smtp_bench bench/smtp.sh   # on PostgreSQL
#
# Environment: JAVA_HOME (default temurin 25), CONNECTIONS (20), DURATION (30), ROUNDS (3),
# SMTP_PORT (12525, Musubi), POSTFIX_PORT (12526), HTTP_PORT (18351), DNS_PORT (15399),
# STARTUP_WAIT (120 s for Musubi to come up; a busy machine needs more), JAR (the
# jar under target/), SERVER_JAVA_OPTS (server JVM only), SKIP_MUSUBI=1 to measure Postfix alone,
# DB_URL / DB_USER (postgres) / DB_PASSWORD for PostgreSQL (the database is dropped and created
# with psql when DB_URL names 127.0.0.1 or localhost).
#
# Musubi needs the mailbox store to accept mail (the SMTP server does not start without one); it
# runs with a bootstrap company whose domain is the recipient's. Its SPF/DKIM/DMARC checks ask
# bench/BenchDns.java on DNS_PORT, a small authoritative server that publishes SPF and DMARC for
# the sender's domain and answers NXDOMAIN (cacheable) for everything else, as a resolver would;
# MUSUBI_SMTP_DNS overrides it. Postfix here does no sender checks at all, so the comparison
# favours Postfix.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
CONNECTIONS=${CONNECTIONS:-20}
SECONDS_RUN=${DURATION:-30}
ROUNDS=${ROUNDS:-3}
SMTP_PORT=${SMTP_PORT:-12525}
POSTFIX_PORT=${POSTFIX_PORT:-12526}
HTTP_PORT=${HTTP_PORT:-18351}
DNS_PORT=${DNS_PORT:-15399}
STARTUP_WAIT=${STARTUP_WAIT:-120} # seconds Musubi may take to start (more on a loaded machine)
DOMAIN=smtpbench.example
PEERS=${PEERS:-$(realpath ../shared/peers 2>/dev/null || echo /work/shared/peers)}

WORK=$(mktemp -d)
chmod 755 "$WORK" # Postfix refuses a queue under a private folder
PID=""
DNS_PID=""
cleanup() {
  for p in "$PID" "$DNS_PID"; do
    if [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; then
      kill "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  "$PEERS/postfix" stop "$WORK/postfix" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load average before: $LOAD_BEFORE" >&2

# Postfix
"$PEERS/postfix" start "$WORK/postfix" "$POSTFIX_PORT" >&2
POSTFIX_VERSION=$(postconf -h mail_version)

# Musubi
STORE="embedded default (H2)"
MUSUBI_UP=0
if [[ "${SKIP_MUSUBI:-0}" != 1 ]]; then
  jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
  JAR=${JAR:-$(jar)}
  if [[ -z "$JAR" ]]; then
    echo "Building the jar..." >&2
    ./mvnw -B -o -q package -DskipTests -Dspotless.check.skip=true >&2
    JAR=$(jar)
  fi
  DNS=${MUSUBI_SMTP_DNS:-}
  if [[ -z "$DNS" ]]; then
    "$JAVA" bench/BenchDns.java "$DNS_PORT" >"$WORK/dns.log" 2>&1 &
    DNS_PID=$!
    DNS="127.0.0.1:$DNS_PORT"
  fi
  DB_ENV=()
  if [[ -n "${DB_URL:-}" ]]; then
    STORE="PostgreSQL $(psql -h 127.0.0.1 -U "${DB_USER:-postgres}" -tAc 'show server_version' 2>/dev/null || echo '')"
    DB_ENV=(MUSUBI_DB_URL="$DB_URL" MUSUBI_DB_USER="${DB_USER:-postgres}" MUSUBI_DB_PASSWORD="${DB_PASSWORD:-}")
    if [[ "$DB_URL" =~ ^jdbc:postgresql://(127\.0\.0\.1|localhost)(:[0-9]+)?/([A-Za-z0-9_]+)$ ]]; then
      DB_NAME=${BASH_REMATCH[3]}
      psql -q -h 127.0.0.1 -U "${DB_USER:-postgres}" -c "drop database if exists $DB_NAME" >/dev/null
      psql -q -h 127.0.0.1 -U "${DB_USER:-postgres}" -c "create database $DB_NAME" >/dev/null
    fi
  fi
  env MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$HTTP_PORT" SERVER_ADDRESS=127.0.0.1 \
    MUSUBI_SMTP_PORT="$SMTP_PORT" MUSUBI_SMTP_ADDRESS=127.0.0.1 \
    MUSUBI_IMAP_PORT=0 MUSUBI_SUBMISSION_PORT=0 \
    MUSUBI_SMTP_DNS="$DNS" \
    MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
    MUSUBI_BOOTSTRAP_PASSWORD=Smtp-Bench-Owner-Pass "${DB_ENV[@]}" \
    "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 $((STARTUP_WAIT * 10))); do
    curl -s -m 1 "http://127.0.0.1:$HTTP_PORT/actuator/health" | grep -q '"UP"' && break
    kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  if (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null; then
    MUSUBI_UP=1
  else
    echo "Musubi's SMTP server is not listening ($(grep -o 'SMTP server not started: .*' "$WORK/server.log" | head -1)); Postfix only." >&2
  fi
fi

# Musubi indexes what it accepted after the reply; wait (at most 120 s) until it is idle, so that
# its indexing does not run during the next Postfix turn.
settle() {
  local a b
  for _ in $(seq 1 60); do
    a=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
    sleep 2
    b=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
    [[ $((b - a)) -lt 10 ]] && return
  done
}

# Alternate turns, so that both servers see the same load on the shared machine.
POSTFIX_RATES=()
MUSUBI_RATES=()
for round in $(seq 1 "$ROUNDS"); do
  OUT=$("$JAVA" bench/SmtpLoad.java 127.0.0.1 "$POSTFIX_PORT" bench@bench.example \
    "$CONNECTIONS" "$SECONDS_RUN" "postfix (round $round)")
  echo "$OUT" | grep -v '^RATE'
  POSTFIX_RATES+=("$(echo "$OUT" | awk '/^RATE/ { print $NF }')")
  if [[ "$MUSUBI_UP" == 1 ]]; then
    OUT=$("$JAVA" bench/SmtpLoad.java 127.0.0.1 "$SMTP_PORT" "kanri@$DOMAIN" \
      "$CONNECTIONS" "$SECONDS_RUN" "musubi (round $round)")
    echo "$OUT" | grep -v '^RATE'
    MUSUBI_RATES+=("$(echo "$OUT" | awk '/^RATE/ { print $NF }')")
    settle
  fi
done
DELIVERED=$(find "$WORK/postfix/vmail/Maildir" -type f 2>/dev/null | wc -l)
echo "postfix delivered $DELIVERED files to Maildir" >&2
if [[ "$MUSUBI_UP" == 1 ]]; then
  noise=$(grep ' ERROR \| WARN ' "$WORK/server.log" | cut -c 60-300 | sort | uniq -c | sort -rn | head -5 || true)
  [[ -z "$noise" ]] || { echo "Musubi log, ERROR/WARN lines (most frequent 5):" >&2; echo "$noise" >&2; }
fi

mean() { printf '%s\n' "$@" | awk '{ s += $1; n++ } END { printf "%.1f", (n ? s / n : 0) }'; }
POSTFIX_RATE=$(mean "${POSTFIX_RATES[@]}")
echo "postfix mean: $POSTFIX_RATE messages/s (${POSTFIX_RATES[*]})"
MUSUBI_RATE=""
RATIO=""
if [[ ${#MUSUBI_RATES[@]} -gt 0 ]]; then
  MUSUBI_RATE=$(mean "${MUSUBI_RATES[@]}")
  RATIO=$(awk -v m="$MUSUBI_RATE" -v p="$POSTFIX_RATE" 'BEGIN { printf "%.2f", (p > 0 ? m / p : 0) }')
  echo "musubi mean: $MUSUBI_RATE messages/s (${MUSUBI_RATES[*]})"
  echo "Musubi/Postfix ratio: $RATIO"
fi

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load average after: $LOAD" >&2
[[ "${DOCS:-1}" == 0 ]] && exit 0
{
  echo
  echo "### Inbound SMTP, $(date -u +%Y-%m-%d) (bench/smtp.sh)"
  echo
  echo "$CONNECTIONS connections, 10 KB messages, $ROUNDS rounds of ${SECONDS_RUN} s per server" \
    "(Postfix and Musubi in turn) after a 3 s warm-up each, loopback; $(nproc) cores," \
    "$("$JAVA" -version 2>&1 | head -1), Postfix $POSTFIX_VERSION (Maildir); Musubi on" \
    "$STORE; load average $LOAD_BEFORE before and $LOAD after the run."
  echo
  echo "| server | messages/s (mean) | rounds |"
  echo "|---|---|---|"
  echo "| Postfix $POSTFIX_VERSION | $POSTFIX_RATE | ${POSTFIX_RATES[*]} |"
  if [[ -n "$MUSUBI_RATE" ]]; then
    echo "| Musubi | $MUSUBI_RATE | ${MUSUBI_RATES[*]} |"
    echo "| ratio Musubi/Postfix | $RATIO | |"
  else
    echo "| Musubi | not measured (SKIP_MUSUBI=1, or its SMTP server was not listening) | |"
  fi
} >> docs/benchmarks.md
