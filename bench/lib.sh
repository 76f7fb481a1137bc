# Shared by the bench/*.sh scripts (sourced, not run).

# The packaged jar, built first when target/ has none.
bench_jar() {
  local jar
  jar=$(ls target/musubi-*.jar 2>/dev/null | grep -v -- '-plain\|original' | head -1 || true)
  if [[ -z "$jar" ]]; then
    echo "Building the jar..." >&2
    ./mvnw -B -q package -DskipTests -Dspotless.check.skip=true >&2
    jar=$(ls target/musubi-*.jar | grep -v -- '-plain\|original' | head -1)
  fi
  echo "$jar"
}

# Exits when another server listens on one of the ports: it would be measured instead of ours.
bench_ports_free() {
  local port
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "port $port is already in use: choose other ports (see the script's environment)" >&2
      exit 1
    fi
  done
}

# Waits until BASE_URL's health is UP (and LOG holds PATTERN, when given); exits with the log's
# tail when the process PID ends first.
bench_wait_up() {
  local base=$1 pid=$2 log=$3 pattern=${4:-}
  for _ in $(seq 1 1800); do
    if [[ -z "$pattern" ]] || grep -q "$pattern" "$log"; then
      curl -s -m 1 "$base/actuator/health" | grep -q '"UP"' && return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -50 "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "not up after 180 s: $base" >&2
  exit 1
}
