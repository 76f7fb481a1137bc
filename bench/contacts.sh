#!/usr/bin/env bash
# Directory search and CardDAV sync, Musubi side by side with Radicale, same machine, same run.
# bench/ContactsLoad.java imports MEMBERS (50,000) members with Japanese names and readings
# through the admin CSV import and times SEARCHES (300) directory searches (kanji, hiragana,
# half-width katakana, romaji, email, phone); then CONTACTS (10,000) generated vCards go into a
# Radicale address book (the first 500 by PUT, the rest as files in its store) and into the admin's
# personal book in Musubi (one vCard import; the 500 PUTs are timed on the shared book), and SYNCS
# (3) first-time CardDAV syncs per server (PROPFIND, sync-collection, addressbook-multiget of every
# card, 100 per request) are timed, alternating. Prints the figures with ratios and appends them to
# docs/benchmarks.md. About 10 minutes on a quiet machine.
#
#   bench/contacts.sh
#
# Environment: JAVA_HOME (default temurin 25), MEMBERS (50000), SEARCHES (300), CONTACTS (10000),
# SYNCS (3), HTTP_PORT (28654, Musubi), RADICALE_PORT (25653), JAR (default
# target/musubi-*.jar), SERVER_JAVA_OPTS, DB_URL (a PostgreSQL JDBC URL instead of the embedded
# H2; the database must exist and be empty).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
MEMBERS=${MEMBERS:-50000}
SEARCHES=${SEARCHES:-300}
CONTACTS=${CONTACTS:-10000}
SYNCS=${SYNCS:-3}
HTTP_PORT=${HTTP_PORT:-28654}
RADICALE_PORT=${RADICALE_PORT:-25653}
DOMAIN=contactsbench.example
PASSWORD=Contacts-Bench-Owner-Pass-1
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

OUT=$("$JAVA" bench/ContactsLoad.java "http://127.0.0.1:$HTTP_PORT" kanri "$PASSWORD" "$DOMAIN" \
  "http://127.0.0.1:$RADICALE_PORT" "$WORK/radicale" "$MEMBERS" "$SEARCHES" "$CONTACTS" "$SYNCS" \
  2>"$WORK/load.err") ||
  { cat "$WORK/load.err" >&2; tail -40 "$WORK/server.log" >&2; exit 1; }
echo "$OUT"
RSS=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")

value() { echo "$OUT" | awk -v s="$1" -v k="$2" '$2 == s && $3 == k { print $4 }'; }
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "### Directory search and CardDAV sync, $(date -u +%Y-%m-%d) (bench/contacts.sh, $STORE store)"
  echo
  echo "Loopback; $(nproc) cores, $("$JAVA" -version 2>&1 | head -1), Radicale $RADICALE_VERSION" \
    "(Debian, file store). Other builds ran on the machine; load average after the run $LOAD," \
    "Musubi RSS $RSS MB. Times in ms (lower is better)."
  echo
  echo "**Directory search**: $MEMBERS members with Japanese names and hiragana readings (40 surnames," \
    "32 given names), imported by \`POST /api/v1/admin/members/import\` in" \
    "$(value musubi members-import-ms) ms; $(value musubi searches | cut -d. -f1) searches" \
    "\`GET /api/v1/directory/members?q=\` (page size 50), one at a time, a sixth of each kind;" \
    "the first search (which builds the in-memory index) took $(value musubi search-first-ms) ms." \
    "Radicale has no directory search to compare with."
  echo
  echo "| query kind | p50 | p99 | matches (avg) |"
  echo "|---|---|---|---|"
  for k in kanji hiragana halfwidth-katakana romaji email phone all; do
    echo "| $k | $(value musubi search-$k-p50-ms) | $(value musubi search-$k-p99-ms) |" \
      "$(value musubi search-$k-hits) |"
  done
  echo
  echo "**CardDAV first sync** of $CONTACTS vCards 3.0 (Japanese names with X-PHONETIC readings," \
    "company, title, email, phones, address, note, category) as a client does it: PROPFIND of the" \
    "book, REPORT sync-collection without a token (getetag), then addressbook-multiget of every card," \
    "100 per request; $SYNCS syncs per server after one warm-up sync each (Radicale's first sync" \
    "builds its cache), alternating. Both servers got the first 500 cards by PUT, 4 at a time" \
    "(Musubi into the shared book); Radicale the rest as files in its store, Musubi all of them by" \
    "one vCard import (\`POST /api/v1/contacts/import\`, $(value musubi import-ms) ms)."
  echo
  echo "| figure | Radicale | Musubi | Musubi/Radicale |"
  echo "|---|---|---|---|"
  for k in put-500-ms first-sync-ms cards sync-total-median-ms sync-request-p50-ms \
    sync-request-p99-ms sync-requests; do
    r=$(value radicale "$k")
    m=$(value musubi "$k")
    r=${r:--}
    m=${m:--}
    q=$(awk -v m="$m" -v r="$r" 'BEGIN { if (r != "-" && m != "-" && r > 0) printf "%.2f", m / r; else print "-" }')
    echo "| $k | $r | $m | $q |"
  done
} >>docs/benchmarks.md
tail -30 docs/benchmarks.md
