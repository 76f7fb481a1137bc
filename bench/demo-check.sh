#!/usr/bin/env bash
# Starts Musubi once with the demo profile on a fresh data directory, signs in as a demo member and
# checks through the directory API that the demo company has its 10 departments and 41 members
# (40 demo members plus the admin). Exits non-zero when anything is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
PORT=${PORT:-18349}
JAR=${JAR:-$(ls target/musubi-*.jar | head -1)}
BASE="http://127.0.0.1:$PORT"
WORK=$(mktemp -d)
PID=""
cleanup() {
  if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# No MUSUBI_BOOTSTRAP_* here: application-demo.yml supplies them.
env -u MUSUBI_BOOTSTRAP_DOMAIN -u MUSUBI_BOOTSTRAP_ADMIN -u MUSUBI_BOOTSTRAP_PASSWORD \
  SPRING_PROFILES_ACTIVE=demo MUSUBI_DATA_DIR="$WORK/data" SERVER_PORT="$PORT" \
  "$JAVA_HOME/bin/java" -jar "$JAR" >"$WORK/demo.log" 2>&1 &
PID=$!
for _ in $(seq 1 600); do
  grep -q 'DemoData .*Demo data:' "$WORK/demo.log" && break
  kill -0 "$PID" 2>/dev/null || { tail -50 "$WORK/demo.log" >&2; exit 1; }
  sleep 0.2
done
grep -q 'DemoData .*Demo data:' "$WORK/demo.log" || { echo "no demo data line" >&2; exit 1; }
grep -o 'Demo data:.*' "$WORK/demo.log"
grep 'Demo member .* skipped' "$WORK/demo.log" >&2 || true

curl -s -f -c "$WORK/jar" -b "$WORK/jar" -H 'Content-Type: application/json' \
  -d '{"loginId":"sato.kenichi@demo.musubi.example","password":"Demo-Password-2026"}' \
  "$BASE/api/v1/auth/login" | grep -q '"status":"ok"'
members=$(curl -s -f -b "$WORK/jar" "$BASE/api/v1/directory/members?size=200" |
  grep -o '"total":[0-9]*' | cut -d: -f2)
departments=$(curl -s -f -b "$WORK/jar" "$BASE/api/v1/directory/departments" |
  grep -o '"sortOrder"' | wc -l)
echo "Demo check: $members members, $departments departments (expected 41 and 10)"
[[ "$members" == 41 && "$departments" == 10 ]]
