#!/usr/bin/env bash
# Inbound SMTP throughput on loopback: Musubi and Postfix (delivering to Maildir), same machine,
# same run, same load: bench/SmtpLoad.java with CONNECTIONS (20) connections sending 10 KB
# messages for DURATION (30) s each. Prints messages/s for both and the ratio, and appends the
# figures to docs/benchmarks.md.
#
#   bench/smtp.sh
#
# Environment: JAVA_HOME (default temurin 25), CONNECTIONS (20), DURATION (30), SMTP_PORT (12525,
# Musubi), POSTFIX_PORT (12526), HTTP_PORT (18351), SERVER_JAVA_OPTS (server JVM only),
# SKIP_MUSUBI=1 to measure Postfix alone.
#
# Musubi needs the mailbox store to accept mail (the SMTP server does not start without one); it
# runs with a bootstrap company whose domain is the recipient's. Its SPF/DKIM/DMARC checks use
# MUSUBI_SMTP_DNS (default 127.0.0.1:5399, where nothing answers, so lookups fail fast as
# temperror); Postfix here does no sender checks at all, so the comparison favours Postfix.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
CONNECTIONS=${CONNECTIONS:-20}
SECONDS_RUN=${DURATION:-30}
SMTP_PORT=${SMTP_PORT:-12525}
POSTFIX_PORT=${POSTFIX_PORT:-12526}
HTTP_PORT=${HTTP_PORT:-18351}
DOMAIN=smtpbench.example
PEERS=${PEERS:-$(realpath ../shared/peers 2>/dev/null || echo /work/shared/peers)}

WORK=$(mktemp -d)
chmod 755 "$WORK" # Postfix refuses a queue under a private folder
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  "$PEERS/postfix" stop "$WORK/postfix" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# Postfix
"$PEERS/postfix" start "$WORK/postfix" "$POSTFIX_PORT" >&2
POSTFIX_VERSION=$(postconf -h mail_version)
POSTFIX_OUT=$("$JAVA" bench/SmtpLoad.java 127.0.0.1 "$POSTFIX_PORT" bench@bench.example \
  "$CONNECTIONS" "$SECONDS_RUN" postfix)
echo "$POSTFIX_OUT" | grep -v '^RATE'
POSTFIX_RATE=$(echo "$POSTFIX_OUT" | awk '/^RATE/ { print $3 }')
DELIVERED=$(find "$WORK/postfix/vmail/Maildir" -type f 2>/dev/null | wc -l)
echo "postfix delivered $DELIVERED files to Maildir" >&2
"$PEERS/postfix" stop "$WORK/postfix" >&2 || true

MUSUBI_RATE=""
if [[ "${SKIP_MUSUBI:-0}" != 1 ]]; then
  jar() { ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true; }
  JAR=$(jar)
  if [[ -z "$JAR" ]]; then
    echo "Building the jar..." >&2
    ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true >&2
    JAR=$(jar)
  fi
  env MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$HTTP_PORT" SERVER_ADDRESS=127.0.0.1 \
    MUSUBI_SMTP_PORT="$SMTP_PORT" MUSUBI_SMTP_ADDRESS=127.0.0.1 \
    MUSUBI_SMTP_DNS="${MUSUBI_SMTP_DNS:-127.0.0.1:5399}" \
    MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
    MUSUBI_BOOTSTRAP_PASSWORD=Smtp-Bench-Owner-Pass \
    "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >"$WORK/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 1200); do
    curl -s -m 1 "http://127.0.0.1:$HTTP_PORT/actuator/health" | grep -q '"UP"' && break
    kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/server.log" >&2; exit 1; }
    sleep 0.1
  done
  if (exec 3<>"/dev/tcp/127.0.0.1/$SMTP_PORT") 2>/dev/null; then
    MUSUBI_OUT=$("$JAVA" bench/SmtpLoad.java 127.0.0.1 "$SMTP_PORT" "kanri@$DOMAIN" \
      "$CONNECTIONS" "$SECONDS_RUN" musubi)
    echo "$MUSUBI_OUT" | grep -v '^RATE'
    MUSUBI_RATE=$(echo "$MUSUBI_OUT" | awk '/^RATE/ { print $3 }')
  else
    echo "Musubi's SMTP server is not listening ($(grep -o 'SMTP server not started: .*' "$WORK/server.log" | head -1)); Postfix only." >&2
  fi
fi

RATIO=""
if [[ -n "$MUSUBI_RATE" ]]; then
  RATIO=$(awk -v m="$MUSUBI_RATE" -v p="$POSTFIX_RATE" 'BEGIN { printf "%.2f", (p > 0 ? m / p : 0) }')
  echo "Musubi/Postfix ratio: $RATIO"
fi

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "### Inbound SMTP, $(date -u +%Y-%m-%d) (bench/smtp.sh)"
  echo
  echo "$CONNECTIONS connections, 10 KB messages, ${SECONDS_RUN} s after a 3 s warm-up, loopback;" \
    "$(nproc) cores, $("$JAVA" -version 2>&1 | head -1), Postfix $POSTFIX_VERSION (Maildir);" \
    "load average after the run $LOAD (other engineers' builds were sharing the machine)."
  echo
  echo "| server | messages/s |"
  echo "|---|---|"
  echo "| Postfix $POSTFIX_VERSION | $POSTFIX_RATE |"
  if [[ -n "$MUSUBI_RATE" ]]; then
    echo "| Musubi | $MUSUBI_RATE |"
    echo "| ratio Musubi/Postfix | $RATIO |"
  else
    echo "| Musubi | not measured (SKIP_MUSUBI=1, or its SMTP server was not listening) |"
  fi
} >> docs/benchmarks.md
