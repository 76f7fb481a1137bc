#!/usr/bin/env bash
# Sign-in latency under load, for the embedded default and PostgreSQL: starts Musubi on a fresh
# store with a bootstrap admin, creates MEMBERS members through the admin API, then runs
# bench/SignInLoad.java (MEMBERS concurrent sign-in loops, WARMUP s warm-up, DURATION s measured).
#
#   bench/signin.sh            # needs curl, psql, PostgreSQL on 127.0.0.1:5432 (user postgres, trust)
#
# Environment: JAVA_HOME (default temurin 25), MEMBERS (50), WARMUP (10), DURATION (30),
# PORT (18348), PGHOST, PGUSER, BENCH_DB (musubi_bench), SKIP_POSTGRES=1, SERVER_JAVA_OPTS (e.g.
# -Xmx512m, passed to the server JVM only).
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
MEMBERS=${MEMBERS:-50}
WARMUP=${WARMUP:-10}
DURATION=${DURATION:-30}
PORT=${PORT:-18348}
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-musubi_bench}
BASE="http://127.0.0.1:$PORT"
DOMAIN=bench.example
ADMIN_PASSWORD=Bench-Owner-Pass-2026  # not "admin": the bootstrap admin is named "管理者 Admin"
MEMBER_PASSWORD=Sign-In-Bench-Pass  # no digits: "ベンチ 026" would make "026" a name part

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
  psql -q -h "$PGHOST" -U "$PGUSER" -c "drop database if exists $BENCH_DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# bench_once <label> [extra env...]
bench_once() {
  local label=$1
  shift
  local log="$WORK/$label.log" jar="$WORK/$label.cookies"
  env MUSUBI_DATA_DIR="$WORK/$label-data" SERVER_PORT="$PORT" \
    MUSUBI_RATE_LIMIT_MEMBER_PER_MINUTE=0 MUSUBI_RATE_LIMIT_ANONYMOUS_PER_MINUTE=0 \
    MUSUBI_BOOTSTRAP_DOMAIN=$DOMAIN MUSUBI_BOOTSTRAP_ADMIN=kanri \
    MUSUBI_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD \
    "$@" "$JAVA" ${SERVER_JAVA_OPTS:-} -jar "$JAR" >"$log" 2>&1 &
  PID=$!
  # Healthy, and the bootstrap company exists (it is created right after the context is ready).
  for _ in $(seq 1 1200); do
    grep -q 'Created company' "$log" && curl -s -m 1 "$BASE/actuator/health" | grep -q '"UP"' && break
    kill -0 "$PID" 2>/dev/null || { tail -50 "$log" >&2; exit 1; }
    sleep 0.1
  done

  curl -s -f -c "$jar" -b "$jar" -H 'Content-Type: application/json' \
    -d "{\"loginId\":\"kanri@$DOMAIN\",\"password\":\"$ADMIN_PASSWORD\"}" \
    "$BASE/api/v1/auth/login" >/dev/null
  local xsrf status created_start created_end
  created_start=$(date +%s%N)
  for i in $(seq -f '%03g' 1 "$MEMBERS"); do
    # The XSRF-TOKEN cookie does not survive a POST here, so fetch a token for each one.
    xsrf=$(awk '$6 == "XSRF-TOKEN" { print $7 }' "$jar")
    if [[ "$i" == 002 ]]; then
      echo "$label: XSRF-TOKEN cookie after the first POST: '${xsrf}'" >&2
    fi
    curl -s -f -o /dev/null -c "$jar" -b "$jar" "$BASE/api/v1/auth/csrf"
    xsrf=$(awk '$6 == "XSRF-TOKEN" { print $7 }' "$jar")
    status=$(curl -s -o "$WORK/response" -w '%{http_code}' -c "$jar" -b "$jar" \
      -H "X-XSRF-TOKEN: $xsrf" -H 'Content-Type: application/json' \
      -d "{\"loginId\":\"load$i\",\"password\":\"$MEMBER_PASSWORD\",\"displayName\":\"ベンチ $i\"}" \
      "$BASE/api/v1/admin/members")
    if [[ "$status" != 201 ]]; then
      echo "creating load$i failed: $status $(cat "$WORK/response")" >&2
      exit 1
    fi
  done
  created_end=$(date +%s%N)
  echo "$label: created $MEMBERS members in $(((created_end - created_start) / 1000000)) ms" >&2

  local cpu_before cpu_after
  cpu_before=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
  "$JAVA" bench/SignInLoad.java "$BASE" load "$DOMAIN" "$MEMBERS" "$MEMBER_PASSWORD" \
    "$WARMUP" "$DURATION" "$label"
  cpu_after=$(awk '{ print $14 + $15 }' "/proc/$PID/stat")
  echo "$label: server CPU during warm-up + run: $(((cpu_after - cpu_before) / $(getconf CLK_TCK))) s" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg));" \
    "RSS after the run: $(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status") MB" >&2
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=""
  local noise
  noise=$(grep ' ERROR \| WARN \|Exception' "$log" |
    grep -v 'Flyway has been verified\|SpringDoc' | cut -c 60-400 | sort -u | head -5 || true)
  if [[ -n "$noise" ]]; then
    echo "$label: ERROR/WARN lines in the server log (first 5 distinct):" >&2
    echo "$noise" >&2
  fi
  echo
}

echo "Jar: $JAR, $("$JAVA" -version 2>&1 | head -1)" >&2
# The cost of one password check on its own, for comparison with the server's CPU per sign-in.
mkdir -p "$WORK/lib"
unzip -q -o -j "$JAR" 'BOOT-INF/lib/spring-security-crypto-*' 'BOOT-INF/lib/bcprov-*' \
  'BOOT-INF/lib/spring-core-*' 'BOOT-INF/lib/commons-logging-*' -d "$WORK/lib"
"$JAVA" -cp "$WORK/lib/*" bench/Argon2Cost.java
echo
bench_once embedded
if [[ "${SKIP_POSTGRES:-0}" != 1 ]]; then
  psql -q -h "$PGHOST" -U "$PGUSER" -c "drop database if exists $BENCH_DB" >/dev/null
  psql -q -h "$PGHOST" -U "$PGUSER" -c "create database $BENCH_DB" >/dev/null
  bench_once postgresql MUSUBI_DB_URL="jdbc:postgresql://$PGHOST:5432/$BENCH_DB" \
    MUSUBI_DB_USER="$PGUSER" MUSUBI_DB_PASSWORD=
fi
