#!/usr/bin/env bash
# Throughput of the encrypted blob store (local backend) against cp: writes a SIZE_MB file of
# random bytes, times `cp` + sync and `cat > /dev/null`, then stores and reads the same file through
# the store (bench test BlobStoreBench: SHA-256, Tink AES-256-GCM streaming, fsync + rename).
#
#   bench/blobs.sh            # SIZE_MB=1024 by default; needs the local Maven repository
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export JAVA_HOME
SIZE_MB=${SIZE_MB:-1024}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

head -c "${SIZE_MB}M" /dev/urandom > "$work/in"
sync
echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
t0=$(date +%s.%N)
cp "$work/in" "$work/copy"
sync
t1=$(date +%s.%N)
cat "$work/copy" > /dev/null
t2=$(date +%s.%N)
rm -f "$work/copy"
awk -v s="$SIZE_MB" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  mb = s * 1048576 / 1e6
  printf "BENCH cp+sync %.0f MB in %.2f s = %.1f MB/s\n", mb, b - a, mb / (b - a)
  printf "BENCH cat     %.0f MB in %.2f s = %.1f MB/s (page cache)\n", mb, c - b, mb / (c - b)
}'
BENCH_FILE="$work/in" ./mvnw -B -q -o test -Dtest=BlobStoreBench \
  -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep '^BENCH' || {
  echo "bench failed; rerun without -q to see why" >&2
  exit 1
}
