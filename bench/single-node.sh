#!/usr/bin/env bash
# Raftray single-node benchmark: write throughput/latency and daemon RSS. See bench/README.md.
#   WRITES         timed sequential writes                  (default 2000)
#   USERS_FOR_RSS  users in total before the loaded RSS     (default 10000)
#   WARMUP         untimed writes before the timed ones     (default 200)
#   SETTLE         seconds to settle before each RSS read   (default 10)
#   LOAD_WRITERS   concurrent writers for the load phase    (default 8)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon (default none), e.g. -Xmx256m
#   BENCH_TMPDIR   parent of the temporary data directory   (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

WRITES="${WRITES:-2000}"
USERS_FOR_RSS="${USERS_FOR_RSS:-10000}"
WARMUP="${WARMUP:-200}"
SETTLE="${SETTLE:-10}"
LOAD_WRITERS="${LOAD_WRITERS:-8}"
JAVA_OPTS="${RAFTRAY_JAVA_OPTS:-}"

say() { echo "bench: $*" >&2; }

# --- JDK: the same rules as the ./raftray launcher (shared in scripts/jdk.sh) ---------------
# shellcheck source=../scripts/jdk.sh
. "$root/scripts/jdk.sh"
JAVA_HOME="$(find_java)" || exit 1
export JAVA_HOME # the launcher below then uses exactly this JDK
JAVA="$JAVA_HOME/bin/java"
JCMD=""
[ -x "$JAVA_HOME/bin/jcmd" ] && JCMD="$JAVA_HOME/bin/jcmd"

# --- build if stale: the launcher does it (and prints its version) ---------------------------
say "JDK $JAVA_HOME; building target/raftray.jar if stale"
version="$(RAFTRAY_JAVA_OPTS= "$root/raftray" --version)"
jar="$root/target/raftray.jar"
[ -f "$jar" ] || { say "no $jar after the build"; exit 1; }
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null)" ]; then commit="$commit+dirty"; fi

# --- temp node, always cleaned up ------------------------------------------------------------
tmp="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/raftray-bench.XXXXXX")"
pid=""
bench_pid=""
ok=0
cleanup() {
  local rc=$?
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { say "daemon did not stop in 15 s; killing"; kill -KILL "$pid" 2>/dev/null || true; }
    wait "$pid" 2>/dev/null || true
  fi
  if [ "$ok" != 1 ] && [ -f "$tmp/daemon.log" ]; then
    say "failed; last daemon log lines:"; tail -n 30 "$tmp/daemon.log" >&2 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

data="$tmp/data"
token="$tmp/owner.token"
port="$("$JAVA" "$here/WriteBench.java" free-port)"
base="https://127.0.0.1:$port"
say "init node in $data on 127.0.0.1:$port"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -jar "$jar" init --data-dir "$data" --bind "127.0.0.1:$port" \
  --api-base-url "$base" --access-host 127.0.0.1 --admin-token-file "$token" >"$tmp/init.log" 2>&1 \
  || { cat "$tmp/init.log" >&2; exit 1; }

say "starting daemon (JVM flags: ${JAVA_OPTS:-none})"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -jar "$jar" run --data-dir "$data" >"$tmp/daemon.log" 2>&1 &
pid=$!

say "waiting for /readyz (pid $pid)"
ready=0
for _ in $(seq 1 600); do # up to 60 s
  kill -0 "$pid" 2>/dev/null || { say "daemon exited during startup"; exit 1; }
  if curl -fsS --max-time 2 --cacert "$data/tls/ca.crt" "$base/readyz" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.1
done
[ "$ready" = 1 ] || { say "daemon not ready after 60 s"; exit 1; }

# --- machine facts and the run ---------------------------------------------------------------
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
fs="$(df -PT "$data" 2>/dev/null | awk 'NR==2 {print $2 " (" $1 ")"}')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$here/results/single-node-$stamp.json"
mkdir -p "$here/results"

"$JAVA" "$here/WriteBench.java" run \
  --base-url "$base" --ca "$data/tls/ca.crt" --token-file "$token" --pid "$pid" \
  --warmup "$WARMUP" --writes "$WRITES" --users-for-rss "$USERS_FOR_RSS" \
  --settle-seconds "$SETTLE" --load-writers "$LOAD_WRITERS" --jcmd "$JCMD" --results "$results" \
  --meta "nproc=$(nproc)" --meta "cpu=${cpu:-unknown}" --meta "mem_total=${mem:-unknown}" \
  --meta "kernel=$(uname -r)" --meta "java_home=$JAVA_HOME" --meta "java_opts=$JAVA_OPTS" \
  --meta "raftray=$version, commit $commit" --meta "data_fs=${fs:-unknown}" &
bench_pid=$! # in the background so that INT/TERM reach the trap at once
wait "$bench_pid"
ok=1
