#!/usr/bin/env bash
# Drive over HTTP on loopback, side by side in one run on one machine:
#  - a SIZE_MB (1024) file of random bytes: `cp` + sync (the disk); upload through Musubi's API
#    (multipart POST /api/v1/drive/folders/{id}/files: SHA-256, Tink streaming AES-GCM, fsync);
#    download through GET /api/v1/drive/files/{id}/content against nginx serving the same file
#    from disk (sendfile): ROUNDS (3) downloads each, alternating, median MB/s. Musubi's heap
#    (jcmd GC.heap_info) is sampled every second before, during and after the transfers.
#  - WebDAV PROPFIND Depth: 1 on a folder of FILES (10,000) files, p50/p99 over REQUESTS (100)
#    (bench/DriveLoad.java). nginx's WebDAV module has no PROPFIND: Musubi alone.
# Prints the figures and appends a section to docs/benchmarks.md.
#
#   bench/drive.sh
#
# Environment: JAVA_HOME (temurin 25), SIZE_MB, ROUNDS, FILES, REQUESTS, HTTP_PORT (19471),
# NGINX_PORT (19472), SERVER_JAVA_OPTS (-Xmx1g), WORK (a folder on the disk to measure; default
# under target/, not /tmp, which may be memory).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
SIZE_MB=${SIZE_MB:-1024}
ROUNDS=${ROUNDS:-3}
FILES=${FILES:-10000}
REQUESTS=${REQUESTS:-100}
HTTP_PORT=${HTTP_PORT:-19471}
NGINX_PORT=${NGINX_PORT:-19472}
SERVER_JAVA_OPTS=${SERVER_JAVA_OPTS:--Xmx1g}
DOMAIN=drivebench.example
PASSWORD=Drive-Bench-Owner-Pass-1
BASE="http://127.0.0.1:$HTTP_PORT"
PEERS=${PEERS:-$(realpath ../shared/peers 2>/dev/null || echo /work/shared/peers)}

mkdir -p target
WORK=${WORK:-$(mktemp -d -p "$PWD/target" drive-bench.XXXXXX)}
chmod 755 "$WORK"
PID=""
SAMPLER=""
cleanup() {
  [[ -n "$SAMPLER" ]] && kill "$SAMPLER" 2>/dev/null || true
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
  fi
  "$PEERS/nginx" stop "$WORK/nginx" >/dev/null 2>&1 </dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

bench_ports_free "$HTTP_PORT" "$NGINX_PORT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Load average before: $LOAD_BEFORE" >&2
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / s / 1e6 }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
BYTES=$((SIZE_MB * 1048576))

# The file, and cp + sync of it on the same disk.
head -c "${SIZE_MB}M" /dev/urandom >"$WORK/in.bin"
sync
t0=$(date +%s.%N)
cp "$WORK/in.bin" "$WORK/copy.bin"
sync
t1=$(date +%s.%N)
CP=$(mbps "$BYTES" "$(echo "$t1 - $t0" | bc)")
rm -f "$WORK/copy.bin"
echo "cp + sync: $CP MB/s" >&2

# nginx serving the same file.
mkdir -p "$WORK/nginx/www"
ln "$WORK/in.bin" "$WORK/nginx/www/in.bin" 2>/dev/null || cp "$WORK/in.bin" "$WORK/nginx/www/in.bin"
"$PEERS/nginx" start "$WORK/nginx" "$NGINX_PORT" >"$WORK/nginx-start.log" 2>&1 </dev/null
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/.*nginx\///')

# Musubi.
JAR=$(bench_jar)
env MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$HTTP_PORT" SERVER_ADDRESS=127.0.0.1 \
  MUSUBI_IMAP_PORT=0 MUSUBI_SMTP_PORT=0 MUSUBI_SUBMISSION_PORT=0 \
  MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE=1000000 MUSUBI_RATE_LIMIT_ANONYMOUS_PER_MINUTE=1000000 \
  MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
  MUSUBI_BOOTSTRAP_PASSWORD=$PASSWORD \
  "$JAVA" $SERVER_JAVA_OPTS -jar "$JAR" >"$WORK/server.log" 2>&1 &
PID=$!
bench_wait_up "$BASE" "$PID" "$WORK/server.log" 'Created company'
JAR_NAME=$(basename "$JAR")

# A personal access token for the owner (made from a signed-in session, as the web client does).
jarfile="$WORK/cookies"
curl -s -f -c "$jarfile" -b "$jarfile" -H 'Content-Type: application/json' \
  -d "{\"loginId\":\"kanri@$DOMAIN\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login" >/dev/null
curl -s -f -o /dev/null -c "$jarfile" -b "$jarfile" "$BASE/api/v1/auth/csrf"
xsrf=$(awk '$6 == "XSRF-TOKEN" { print $7 }' "$jarfile")
json_get() { python3 -c 'import json, sys; d = json.loads(sys.argv[1]); print('"$2"')' "$1"; }
TOKEN=$(json_get "$(curl -s -f -c "$jarfile" -b "$jarfile" -H "X-XSRF-TOKEN: $xsrf" \
  -H 'Content-Type: application/json' \
  -d '{"name":"bench","scopes":["read","write"],"expiresInDays":1}' "$BASE/api/v1/me/tokens")" 'd["token"]')
AUTH="Authorization: Bearer $TOKEN"
ROOT=$(json_get "$(curl -s -f -H "$AUTH" "$BASE/api/v1/drive/drives")" \
  'next(x["rootFolderId"] for x in d if x["kind"] == "personal")')

# A server runs warm: two WARM_MB (64) files up and down three times each before measuring, so
# that the JIT has compiled the hashing, encryption and copy loops.
WARM_MB=${WARM_MB:-64}
for w in 1 2; do
  head -c "${WARM_MB}M" /dev/urandom >"$WORK/warm.bin"
  curl -s -f -H "$AUTH" -H 'Accept: application/json' -o "$WORK/warm.json" \
    -F "file=@$WORK/warm.bin;filename=warm-$w.bin;type=application/octet-stream" \
    "$BASE/api/v1/drive/folders/$ROOT/files"
  WARM_ID=$(json_get "$(cat "$WORK/warm.json")" 'd["id"]')
  for _ in 1 2 3; do
    curl -s -f -o /dev/null -H "$AUTH" "$BASE/api/v1/drive/files/$WARM_ID/content"
  done
done
rm -f "$WORK/warm.bin"

# Heap (MB) sampled with jstat about once a second (slower under load) into $WORK/heap.tsv:
# "phase<TAB>used<TAB>old".
# Used heap includes garbage not yet collected; the old generation is where anything kept (or a
# humongous buffer) would show.
PHASE_FILE="$WORK/phase"
echo before >"$PHASE_FILE"
heap_used() {
  "$JAVA_HOME/bin/jstat" -gc "$PID" 2>/dev/null | awk '
    NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i }
    NR == 2 { used = $col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]
              printf "%.0f\t%.0f", used / 1024, $col["OU"] / 1024 }'
}
( while kill -0 "$PID" 2>/dev/null; do printf '%s\t%s\n' "$(cat "$PHASE_FILE")" "$(heap_used)"; sleep 1; done ) >"$WORK/heap.tsv" 2>/dev/null &
SAMPLER=$!
sleep 3

echo upload >"$PHASE_FILE"
UP_TIME=$(curl -s -f -H "$AUTH" -H 'Accept: application/json' \
  -F "file=@$WORK/in.bin;filename=big.bin;type=application/octet-stream" \
  -w '%{time_total}' -o "$WORK/upload.json" "$BASE/api/v1/drive/folders/$ROOT/files")
FILE_ID=$(json_get "$(cat "$WORK/upload.json")" 'd["id"]')
UPLOAD=$(mbps "$BYTES" "$UP_TIME")
echo "Musubi upload: $UPLOAD MB/s ($UP_TIME s)" >&2

echo download >"$PHASE_FILE"
M_SPEEDS=""
N_SPEEDS=""
for _ in $(seq 1 "$ROUNDS"); do
  s=$(curl -s -f -o /dev/null -w '%{speed_download}' -H "$AUTH" "$BASE/api/v1/drive/files/$FILE_ID/content")
  M_SPEEDS="$M_SPEEDS $(mbps "$s" 1)"
  s=$(curl -s -f -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$NGINX_PORT/in.bin")
  N_SPEEDS="$N_SPEEDS $(mbps "$s" 1)"
done
# The stored bytes are the file's bytes.
curl -s -f -H "$AUTH" "$BASE/api/v1/drive/files/$FILE_ID/content" | cmp - "$WORK/in.bin"
echo after >"$PHASE_FILE"
# jstat itself takes seconds on a loaded machine: wait for two samples after the transfers.
for _ in $(seq 1 60); do
  [[ $(grep -c '^after' "$WORK/heap.tsv" || true) -ge 2 ]] && break
  sleep 1
done
M_DOWN=$(echo "$M_SPEEDS" | median)
N_DOWN=$(echo "$N_SPEEDS" | median)
RATIO=$(awk -v m="$M_DOWN" -v n="$N_DOWN" 'BEGIN { printf "%.0f", 100 * m / n }')
echo "download MB/s, Musubi:$M_SPEEDS; nginx:$N_SPEEDS -> $RATIO %" >&2
# heap PHASE COLUMN(2 used, 3 old) max|last
heap() { awk -F'\t' -v p="$1" -v c="$2" -v f="$3" '$1 == p && $c != "" { n++; if (f == "max") { if ($c + 0 > v) v = $c + 0 } else v = $c } END { print (n ? v : "?") }' "$WORK/heap.tsv"; }
kill "$SAMPLER" 2>/dev/null || true
SAMPLER=""
HEAP_SAMPLES=$(grep -c . "$WORK/heap.tsv" || true)
HEAP_ROW() { echo "| $1 | $(heap "$2" 2 "$3") | $(heap "$2" 3 "$3") |"; }
HEAP_TABLE=$(
  echo "| heap (MB) | used | old generation |"
  echo "|---|---|---|"
  HEAP_ROW "before (last sample)" before last
  HEAP_ROW "during the upload (largest)" upload max
  HEAP_ROW "during the downloads (largest)" download max
  HEAP_ROW "after (last sample)" after last
)
echo "$HEAP_TABLE ($HEAP_SAMPLES samples)" >&2

# WebDAV PROPFIND on a folder of FILES files.
"$JAVA" bench/DriveLoad.java fill "$BASE" "kanri@$DOMAIN" "$PASSWORD" propfind "$FILES" 8
PROPFIND=$("$JAVA" bench/DriveLoad.java propfind "$BASE" "kanri@$DOMAIN" "$PASSWORD" propfind "$REQUESTS")
echo "$PROPFIND"
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
CORES=$(nproc)
MEM=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
JAVA_VERSION=$("$JAVA" -version 2>&1 | head -1)
FS=$(df -T "$WORK" | awk 'NR == 2 { print $2 }')
cat >>docs/benchmarks.md <<DOC

## Drive: 1 GiB over HTTP against nginx and cp, WebDAV PROPFIND on 10,000 files ($(date -u +%Y-%m-%d))

\`bench/drive.sh\` on $CPU ($CORES cores), $MEM RAM, $FS disk; $JAVA_VERSION, $SERVER_JAVA_OPTS,
embedded H2, local encrypted blob store; nginx $NGINX_VERSION (\`../shared/peers/nginx\`, sendfile);
curl on loopback. Taken while other builds shared the machine (load average $LOAD_BEFORE before,
$LOAD_AFTER after): compare the ratios within this run, not the absolute figures across runs.

| $SIZE_MB MiB file | MB/s | |
|---|---|---|
| \`cp\` + \`sync\` (same disk) | $CP | |
| Musubi upload (multipart, hashed, encrypted, fsync) | $UPLOAD | $(awk -v a="$UPLOAD" -v b="$CP" 'BEGIN { printf "%.0f %% of cp", 100 * a / b }') |
| nginx download (median of $ROUNDS) | $N_DOWN | |
| Musubi download (decrypting, median of $ROUNDS) | $M_DOWN | **$RATIO % of nginx** |

Before measuring, two ${WARM_MB} MiB files went up and down three times each (a server runs warm; in a cold
trial run at 256 MiB the first download ran at 15 MB/s and the third at 203 MB/s).
Musubi's heap, sampled with \`jstat -gc\` about once a second ($HEAP_SAMPLES samples; used includes garbage
not yet collected, the old generation is where a kept or humongous buffer would show):

$HEAP_TABLE

WebDAV, Musubi alone (nginx's WebDAV module has no PROPFIND): $PROPFIND.
DOC
echo "Appended to docs/benchmarks.md" >&2
