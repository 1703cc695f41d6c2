#!/usr/bin/env bash
# Raftray single-node benchmark: write throughput/latency and daemon RSS. See bench/README.md.
#   WRITES         timed sequential writes                  (default 2000)
#   USERS_FOR_RSS  users in total before the loaded RSS     (default 10000)
#   WARMUP         untimed writes before the timed ones     (default 200)
#   SETTLE         seconds to settle before each RSS read   (default 10)
#   LOAD_WRITERS   concurrent writers for the load phase    (default 8)
#   LOAD_BATCH     users per POST /users/batch in the load phase; 0 = one POST /users each (500)
#   NMT            1 = NativeMemoryTracking on; summaries idle/loaded into bench/results/ (0)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon after the launcher's defaults (none), e.g. -Xmx256m
#   BENCH_TMPDIR   parent of the temporary data directory   (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

WRITES="${WRITES:-2000}"
USERS_FOR_RSS="${USERS_FOR_RSS:-10000}"
WARMUP="${WARMUP:-200}"
SETTLE="${SETTLE:-10}"
LOAD_WRITERS="${LOAD_WRITERS:-8}"
LOAD_BATCH="${LOAD_BATCH:-500}"
NMT="${NMT:-0}"
if [ "$NMT" = 1 ]; then RAFTRAY_JAVA_OPTS="${RAFTRAY_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"; fi
# shellcheck source=one-node.sh
. "$here/one-node.sh"

# --- machine facts and the run ---------------------------------------------------------------
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
fs="$(df -PT "$data" 2>/dev/null | awk 'NR==2 {print $2 " (" $1 ")"}')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$here/results/single-node-$stamp.json"
mkdir -p "$here/results"
NMT_DIR=""
[ "$NMT" = 1 ] && NMT_DIR="$here/results/single-node-$stamp-nmt"

"$JAVA" "$here/WriteBench.java" run \
  --base-url "$base" --ca "$data/tls/ca.crt" --token-file "$token" --pid "$pid" \
  --warmup "$WARMUP" --writes "$WRITES" --users-for-rss "$USERS_FOR_RSS" \
  --settle-seconds "$SETTLE" --load-writers "$LOAD_WRITERS" --load-batch "$LOAD_BATCH" \
  --startup-ms "$startup_ms" ${NMT_DIR:+--nmt-dir "$NMT_DIR"} --jcmd "$JCMD" --results "$results" \
  --meta "nproc=$(nproc)" --meta "cpu=${cpu:-unknown}" --meta "mem_total=${mem:-unknown}" \
  --meta "kernel=$(uname -r)" --meta "java_home=$JAVA_HOME" --meta "java_opts=$jvm_flags" \
  --meta "raftray=$version, commit $commit" --meta "data_fs=${fs:-unknown}" &
bench_pid=$! # in the background so that INT/TERM reach the trap at once
wait "$bench_pid"
ok=1
