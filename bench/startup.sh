#!/usr/bin/env bash
# Launch-to-healthy time and resident memory of Musubi, for the embedded default (H2 in a fresh
# data directory) and PostgreSQL (a fresh scratch database), RUNS runs each. Prints a Markdown
# table. Then checks the demo profile once (bench/demo-check.sh) unless SKIP_DEMO_CHECK=1.
#
#   bench/startup.sh            # needs curl, psql, PostgreSQL on 127.0.0.1:5432 (user postgres, trust)
#
# Environment: JAVA_HOME (default temurin 25), RUNS (3), PORT (18347), PGHOST (127.0.0.1),
# PGUSER (postgres), BENCH_DB (musubi_bench), SKIP_POSTGRES=1 to measure the embedded default only.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
RUNS=${RUNS:-3}
PORT=${PORT:-18347}
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-musubi_bench}
TIMEOUT_S=120

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

rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# run_once <label> <run> [extra env...]: starts the jar, prints one table row.
run_once() {
  local label=$1 run=$2
  shift 2
  local data log
  data=$(mktemp -d "$WORK/$label-$run-XXXX")
  log="$data.log"
  local start now elapsed load
  load=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s%N)
  env MUSUBI_DATA_DIR="$data" SERVER_PORT="$PORT" \
    MUSUBI_BOOTSTRAP_DOMAIN=bench.example MUSUBI_BOOTSTRAP_ADMIN=kanri \
    MUSUBI_BOOTSTRAP_PASSWORD=Bench-Startup-2026 MUSUBI_OPERATOR_PASSWORD=Bench-Operator-2026 \
    "$@" "$JAVA" -jar "$JAR" >"$log" 2>&1 &
  PID=$!
  while true; do
    if curl -s -m 1 "http://127.0.0.1:$PORT/actuator/health" 2>/dev/null | grep -q '"status":"UP"'; then
      break
    fi
    if ! kill -0 "$PID" 2>/dev/null; then
      # On a shared machine something else may end the process; retry the run a few times.
      echo "Musubi ($label run $run) exited before it was healthy; last log lines:" >&2
      tail -5 "$log" >&2
      PID=""
      return 1
    fi
    now=$(date +%s%N)
    if (((now - start) / 1000000000 > TIMEOUT_S)); then
      echo "Not healthy after ${TIMEOUT_S}s" >&2
      exit 1
    fi
    sleep 0.05
  done
  now=$(date +%s%N)
  elapsed=$(awk -v ns=$((now - start)) 'BEGIN { printf "%.2f", ns / 1e9 }')
  local rss_up rss_idle spring cpu
  # CPU seconds the JVM used until healthy: unlike wall time, hardly affected by other work.
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) / hz }' "/proc/$PID/stat")
  rss_up=$(rss_mb "$PID")
  sleep 5
  rss_idle=$(rss_mb "$PID" 2>/dev/null || true)
  spring=$(grep -o 'Started MusubiApplication in [0-9.]*' "$log" | awk '{ print $4 }')
  if [[ -z "$rss_idle" ]] || ! kill "$PID" 2>/dev/null; then
    echo "Musubi ($label run $run) ended by something else while idle; retrying" >&2
    PID=""
    return 1
  fi
  wait "$PID" 2>/dev/null || true
  PID=""
  if grep -q ' ERROR ' "$log"; then
    echo "ERROR lines in the $label run $run log:" >&2
    grep ' ERROR ' "$log" | head -5 >&2
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$run" "$elapsed" "$spring" "$cpu" \
    "$rss_up" "$rss_idle" "$load"
}

echo "Jar: $JAR, $("$JAVA" -version 2>&1 | head -1)" >&2
echo
# The last column is the 1-minute load average when the run began: on a shared 2-core machine it
# tells whether other work competed for the CPU.
echo "| Store | Run | Launch to healthy (s) | Spring \"Started in\" (s) | CPU to healthy (s) | RSS when healthy (MB) | RSS after 5 s idle (MB) | Load avg at launch |"
echo "|---|---|---|---|---|---|---|---|"
# run_retrying <label> <run> [extra env...]
run_retrying() {
  local attempt
  for attempt in 1 2 3; do
    [[ "$1" == postgresql ]] && fresh_database
    run_once "$@" && return 0
  done
  exit 1
}
fresh_database() {
  psql -q -h "$PGHOST" -U "$PGUSER" -c "drop database if exists $BENCH_DB" >/dev/null 2>&1
  psql -q -h "$PGHOST" -U "$PGUSER" -c "create database $BENCH_DB" >/dev/null
}
for run in $(seq 1 "$RUNS"); do
  run_retrying embedded "$run"
done
if [[ "${SKIP_POSTGRES:-0}" != 1 ]]; then
  for run in $(seq 1 "$RUNS"); do
    run_retrying postgresql "$run" MUSUBI_DB_URL="jdbc:postgresql://$PGHOST:5432/$BENCH_DB" \
      MUSUBI_DB_USER="$PGUSER" MUSUBI_DB_PASSWORD=
  done
fi
echo

if [[ "${SKIP_DEMO_CHECK:-0}" != 1 ]]; then
  PORT=$PORT JAR=$JAR bench/demo-check.sh
fi
