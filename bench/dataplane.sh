#!/usr/bin/env bash
# Raftray data-plane benchmark (issue 4): three in-process daemons on loopback, each supervising a
# real V2Ray child process, and real V2Ray client processes. Measures (1) admin write on node A ->
# the user can connect through node B's V2Ray (p50/p95 over TRIALS trials) and (2) the time to
# bring USERS users onto one empty V2Ray (kill -9 of node B's core, RESTARTS times).
# See bench/README.md.
#   TRIALS     measured propagation trials (default 20; 0 skips part 1); WARMUP untimed ones (2)
#   POLL_MS    interval between fetch attempts in part 1              (default 20)
#   USERS      users (each with a grant) for part 2                    (default 10000; 0 skips)
#   WRITERS    concurrent API writers creating them                    (default 16)
#   RESTARTS   kill -9 runs of node B's core in part 2                 (default 3)
#   LEADER     which node leads Raft: a, b or c                        (default c: A and B follow)
#   V2RAY      V2Ray binary, servers and clients                       (default /usr/bin/v2ray)
#   BENCH_JAVA_OPTS  JVM options of the harness (the daemons run in it) (default -Xmx1g)
#   BENCH_TMPDIR     parent of the temporary data directories          (default: $TMPDIR or /tmp)
#   BENCH_KEEP=1     keep the temporary directory (logs, data) on failure
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

TRIALS="${TRIALS:-20}"
WARMUP="${WARMUP:-2}"
POLL_MS="${POLL_MS:-20}"
USERS="${USERS:-10000}"
WRITERS="${WRITERS:-16}"
RESTARTS="${RESTARTS:-3}"
LEADER="${LEADER:-c}"
V2RAY="${V2RAY:-/usr/bin/v2ray}"
JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx1g}"

say() { echo "bench: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# shellcheck source=../scripts/jdk.sh
. "$root/scripts/jdk.sh"
JAVA_HOME="$(find_java)" || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
[ -x "$V2RAY" ] || die "V2Ray not found at $V2RAY (Debian/Ubuntu: sudo apt-get install -y v2ray)"

# --- build: main and test classes, and the test classpath -------------------------------------
say "JDK $JAVA_HOME; building (mvnw -o -DskipTests package) and resolving the test classpath"
(cd "$root" && ./mvnw -B -q -o -DskipTests package) >&2 || die "build failed"
(cd "$root" && ./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-test.classpath) >&2 || die "dependency:build-classpath failed"
cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench-test.classpath")"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null)" ]; then commit="$commit+dirty"; fi

parent="${BENCH_TMPDIR:-${TMPDIR:-/tmp}}"
tmp="$(mktemp -d "$parent/raftray-dataplane-bench.XXXXXX")"
bench_pid=""
ok=0
cleanup() {
  local rc=$?
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  if [ "$ok" != 1 ] && [ -f "$tmp/harness.log" ]; then
    say "failed; last lines of the harness log:"; tail -n 30 "$tmp/harness.log" >&2 || true
  fi
  if [ "$ok" != 1 ] && [ "${BENCH_KEEP:-0}" = 1 ]; then
    say "BENCH_KEEP=1: kept $tmp (delete it yourself; it holds the owner token)"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$here/results"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
results="$here/results/dataplane-$stamp.json"
echo "== Raftray data-plane benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "   machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
echo "   java: $("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2; exit}') ($JAVA_OPTS); raftray commit $commit"
echo "   v2ray: $("$V2RAY" -version 2>/dev/null | head -n 1)"
echo "   data: $(df -PT "$tmp" 2>/dev/null | awk 'NR==2 {print $2 " (" $1 ")"}') under $parent; loadavg at start $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -Draftray.v2ray="$V2RAY" -cp "$cp" io.raftray.bench.DataPlaneBench \
  --dir "$tmp" --trials "$TRIALS" --warmup "$WARMUP" --poll-ms "$POLL_MS" --users "$USERS" \
  --writers "$WRITERS" --restarts "$RESTARTS" --leader "$LEADER" --results "$results" \
  2>"$tmp/harness.log" &
bench_pid=$!
wait "$bench_pid"
bench_pid=""
echo "   loadavg at end $(cut -d' ' -f1-3 /proc/loadavg); figures also in $results"
ok=1
