#!/usr/bin/env bash
# Raftray 3-node cluster benchmark next to a 3-member etcd cluster, on loopback: write latency and
# throughput with 1 and 16 clients, and Raftray leader failover time. See bench/README.md.
#   JIT_WARMUP_SECONDS untimed writes (16 clients, all nodes) once after each cluster starts,
#                    before the first phase: the JVM's JIT compiles for a minute or more after
#                    start (C2 threads used 0.4 cores 70 s after start), a daemon runs for
#                    months; etcd gets the same                       (default 60; 0 skips)
#   WARMUP_SECONDS   untimed writes before each measured phase      (default 10)
#   MEASURE_SECONDS  measured seconds per phase                     (default 30)
#   CLIENTS          concurrency levels, space-separated            (default "1 16")
#   VALUE_BYTES      etcd value size                                (default 300)
#   TARGETS          where writes go: leader, followers, all        (default "leader followers")
#   TRIALS           leader failover trials per preset              (default 20; 0 skips)
#   FAILOVER_PRESETS raft presets the failover trials run with      (default "wan lan"; the
#                    cluster starts with the first, node.json is switched and restarted between)
#   FAILOVER_WRITERS / FAILOVER_TIMEOUT_MS  writers hammering the survivors, request timeout
#                                                                   (default 8 / 1000)
#   SKIP_ETCD=1      Raftray only
#   RAFTRAY_JAVA_OPTS  extra JVM options for the daemons (on top of the launcher's defaults)
#   BENCH_TMPDIR     parent of the temporary data directories       (default: $TMPDIR or /tmp)
#   BENCH_KEEP=1     keep the temporary directory (logs, data; holds the owner token!) on failure
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

WARMUP_SECONDS="${WARMUP_SECONDS:-10}"
JIT_WARMUP_SECONDS="${JIT_WARMUP_SECONDS:-60}"
MEASURE_SECONDS="${MEASURE_SECONDS:-30}"
CLIENTS="${CLIENTS:-1 16}"
VALUE_BYTES="${VALUE_BYTES:-300}"
TRIALS="${TRIALS:-20}"
TARGETS="${TARGETS:-leader followers}"
FAILOVER_PRESETS="${FAILOVER_PRESETS:-wan lan}"
FAILOVER_WRITERS="${FAILOVER_WRITERS:-8}"
FAILOVER_TIMEOUT_MS="${FAILOVER_TIMEOUT_MS:-1000}"
SKIP_ETCD="${SKIP_ETCD:-0}"
JAVA_OPTS="${RAFTRAY_JAVA_OPTS:-}"

say() { echo "bench: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# --- JDK: the same rules as the ./raftray launcher (shared in scripts/jdk.sh) ---------------
# shellcheck source=../scripts/jdk.sh
. "$root/scripts/jdk.sh"
JAVA_HOME="$(find_java)" || exit 1
export JAVA_HOME # the launcher below then uses exactly this JDK
JAVA="$JAVA_HOME/bin/java"
command -v curl >/dev/null || die "curl is needed for the readiness probes"

# --- etcd from Debian: installed when missing and we are root, else explained ----------------
if [ "$SKIP_ETCD" != 1 ] && ! command -v etcd >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "etcd is missing; installing etcd-server and etcd-client from the distribution"
    DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server etcd-client >&2 \
      || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y etcd-server etcd-client >&2; } \
      || die "apt-get install etcd-server etcd-client failed"
  else
    die "etcd is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y etcd-server etcd-client),
       run this script as root to have it installed, or set SKIP_ETCD=1 for Raftray figures only."
  fi
fi
etcd_version="skipped"
if [ "$SKIP_ETCD" != 1 ]; then
  etcd_version="etcd $(etcd --version 2>/dev/null | awk '/^etcd Version/ {print $3}')"
  pkg="$(dpkg-query -W -f '${Package} ${Version}' etcd-server 2>/dev/null || true)"
  [ -n "$pkg" ] && etcd_version="$etcd_version (Debian package $pkg)"
fi

# --- build if stale: the launcher does it (and prints its version) ---------------------------
say "JDK $JAVA_HOME; building target/raftray.jar if stale"
version="$(RAFTRAY_JAVA_OPTS= "$root/raftray" --version)"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git -C "$root" status --porcelain -- src pom.xml 2>/dev/null)" ]; then commit="$commit+dirty"; fi

# --- temp dirs and processes, always cleaned up ----------------------------------------------
parent="${BENCH_TMPDIR:-${TMPDIR:-/tmp}}"
tmp="$(mktemp -d "$parent/raftray-cluster-bench.XXXXXX")"
props="$tmp/figures.properties"
declare -a rpid=("" "" "" "") # raftray daemons, index 1..3
declare -a epid=("" "" "" "") # etcd members, index 1..3
bench_pid=""
ok=0

stop_pid() { # SIGTERM, then SIGKILL after $2 seconds
  local p="$1" secs="$2"
  [ -n "$p" ] && kill -0 "$p" 2>/dev/null || return 0
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 1 $((secs * 10))); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then
    say "pid $p did not stop in $secs s; killing"; kill -KILL "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
}
stop_raftray() { local i; for i in 1 2 3; do stop_pid "${rpid[$i]}" 15; rpid[$i]=""; done; }
stop_etcd() { local i; for i in 1 2 3; do stop_pid "${epid[$i]}" 10; epid[$i]=""; done; }
cleanup() {
  local rc=$?
  if [ -n "$bench_pid" ] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  stop_raftray
  stop_etcd
  if [ "$ok" != 1 ]; then
    local f
    for f in "$tmp"/raftray/n*.log "$tmp"/etcd/e*.log; do
      [ -f "$f" ] || continue
      say "failed; last lines of $f:"; tail -n 15 "$f" >&2 || true
    done
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

# Runs the Java harness in the background (so INT/TERM reach the trap at once) and waits;
# its stdout goes to $tmp/out.
bench() {
  "$JAVA" "$here/ClusterBench.java" "$@" >"$tmp/out" &
  bench_pid=$!
  wait "$bench_pid"
  bench_pid=""
}

mkdir -p "$tmp/raftray" "$tmp/etcd"
bench free-ports 9
mapfile -t ports <"$tmp/out"
rport=("" "${ports[0]}" "${ports[1]}" "${ports[2]}")
eclient=("" "${ports[3]}" "${ports[4]}" "${ports[5]}")
epeer=("" "${ports[6]}" "${ports[7]}" "${ports[8]}")

cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)"
mem="$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || true)"
fs="$(df -PT "$tmp" 2>/dev/null | awk 'NR==2 {print $2 " (" $1 ")"}')"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
{
  echo "meta.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "meta.nproc=$(nproc)"
  echo "meta.cpu=${cpu:-unknown}"
  echo "meta.mem_total=${mem:-unknown}"
  echo "meta.kernel=$(uname -r)"
  echo "meta.java_home=$JAVA_HOME"
  echo "meta.java_version=$("$JAVA" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ {print $2; exit}')"
  echo "meta.java_opts=$JAVA_OPTS"
  echo "meta.raftray=$version, commit $commit"
  echo "meta.etcd_version=$etcd_version"
  echo "meta.data_fs=${fs:-unknown}"
  echo "meta.tmp_parent=$parent"
  echo "meta.clients=$CLIENTS"
  echo "meta.jit_warmup_seconds=$JIT_WARMUP_SECONDS"
  echo "meta.value_bytes=$VALUE_BYTES"
  echo "meta.failover_trials=$TRIALS"
  echo "meta.failover_presets=$FAILOVER_PRESETS"
  echo "meta.targets=$TARGETS"
  echo "meta.loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} | sed 's/\\/\\\\/g' >"$props"

wait_ready() { # $1 = url of /readyz, $2 = ca, $3 = pid; up to 120 s
  local i
  for i in $(seq 1 1200); do
    kill -0 "$3" 2>/dev/null || die "daemon (pid $3) exited during startup"
    curl -fsS --max-time 2 --cacert "$2" "$1/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "$1 not ready after 120 s"
}

# --- Raftray: init node 1, join nodes 2 and 3 with single-use tokens --------------------------
rdir() { echo "$tmp/raftray/n$1"; }
rurl() { echo "https://127.0.0.1:${rport[$1]}"; }
start_raftray() { # $1 = index; logs are appended across restarts
  # shellcheck disable=SC2086
  RAFTRAY_JAVA_OPTS="$JAVA_OPTS" "$root/raftray" run --data-dir "$(rdir "$1")" \
    >>"$tmp/raftray/n$1.log" 2>&1 &
  rpid[$1]=$! # the launcher execs java: this is the daemon's pid
}
ca="$(rdir 1)/tls/ca.crt"
token_file="$tmp/owner.token"

say "raftray: init node 1 on 127.0.0.1:${rport[1]}"
first_preset="${FAILOVER_PRESETS%% *}"
first_preset="${first_preset:-wan}"
"$root/raftray" init --data-dir "$(rdir 1)" --bind "127.0.0.1:${rport[1]}" --api-base-url "$(rurl 1)" \
  --raft-preset "$first_preset" --access-host 127.0.0.1 --name bench-n1 --admin-token-file "$token_file" >"$tmp/raftray/init.log" 2>&1 \
  || { cat "$tmp/raftray/init.log" >&2; die "raftray init"; }
start_raftray 1
wait_ready "$(rurl 1)" "$ca" "${rpid[1]}"
for i in 2 3; do
  say "raftray: join node $i on 127.0.0.1:${rport[$i]}"
  join_token="$(RAFTRAY_TOKEN="$(cat "$token_file")" "$root/raftray" join-token create \
    --data-dir "$(rdir 1)" --ttl 15m --max-uses 1 -o json \
    | sed -n 's/.*"token" *: *"\(rrj_[^"]*\)".*/\1/p')"
  [ -n "$join_token" ] || die "join-token create printed no token"
  "$root/raftray" join "$join_token" --data-dir "$(rdir "$i")" --bind "127.0.0.1:${rport[$i]}" \
    --api-base-url "$(rurl "$i")" --raft-preset "$first_preset" --access-host 127.0.0.1 --name "bench-n$i" \
    >"$tmp/raftray/join-$i.log" 2>&1 || { cat "$tmp/raftray/join-$i.log" >&2; die "raftray join"; }
  unset join_token
  start_raftray "$i"
  wait_ready "$(rurl "$i")" "$ca" "${rpid[$i]}"
done
rurls="$(rurl 1),$(rurl 2),$(rurl 3)"
rargs=(--system raftray --urls "$rurls" --ca "$ca" --token-file "$token_file")
bench wait "${rargs[@]}" --timeout-seconds 120
say "raftray: 3 voters, leader is node $(cat "$tmp/out")"
# The election timeout the daemons run with, from their start-up line ("raft timings: ...").
election_ms() {
  sed -n 's/.*raft timings: preset [a-z]*, election timeout \([0-9]*-[0-9]*\) ms.*/\1/p' \
    "$tmp/raftray/n1.log" | tail -n 1
}
et="$(tr -d ' \n' <"$(rdir 1)/node.json")"
{
  echo "meta.raftray_election_timeout_ms=$(election_ms) ms (preset $first_preset)"
  echo "meta.raftray_write_timeout_ms=$(echo "$et" | sed -n 's/.*"write_timeout_ms":\([0-9]*\).*/\1/p')"
} >>"$props"

# --- etcd: three members, defaults (fsync on), beside the Raftray cluster ---------------------
if [ "$SKIP_ETCD" != 1 ]; then
  cluster=""
  for i in 1 2 3; do cluster="$cluster${cluster:+,}e$i=http://127.0.0.1:${epeer[$i]}"; done
  for i in 1 2 3; do
    say "etcd: member $i, client 127.0.0.1:${eclient[$i]}, peer 127.0.0.1:${epeer[$i]}"
    etcd --name "e$i" --data-dir "$tmp/etcd/e$i" \
      --listen-client-urls "http://127.0.0.1:${eclient[$i]}" \
      --advertise-client-urls "http://127.0.0.1:${eclient[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${epeer[$i]}" \
      --initial-advertise-peer-urls "http://127.0.0.1:${epeer[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-token "bench-$$" \
      --initial-cluster-state new >"$tmp/etcd/e$i.log" 2>&1 &
    epid[$i]=$!
  done
  eurls="http://127.0.0.1:${eclient[1]},http://127.0.0.1:${eclient[2]},http://127.0.0.1:${eclient[3]}"
  bench wait --system etcd --urls "$eurls" --timeout-seconds 60
  say "etcd: 3 members, leader is member $(cat "$tmp/out")"
  eargs=(--system etcd --urls "$eurls" --pids "${epid[1]},${epid[2]},${epid[3]}" --value-bytes "$VALUE_BYTES")
fi

# A fixed single-core job (SHA-256 of 256 MiB) timed right before every measured phase: how fast
# the machine is at that moment. A shared host can lose half its speed within minutes (seen
# 2026-12-07: sequential writes of a single node fell from 307 to 142 writes/s in 40 minutes
# with nothing else running here); the report warns when the probe moved during the run.
probe() { # $1 = phase label -> "<label>.cpu_probe_ms" in the run's properties
  local s e
  s="$(date +%s%N)"
  head -c 256M /dev/zero | sha256sum >/dev/null
  e="$(date +%s%N)"
  echo "$1.cpu_probe_ms=$(((e - s) / 1000000))" >>"$props"
}

# --- writes: each phase runs on Raftray and right after on etcd -------------------------------
# Both clusters stay up; the one not measured is idle (its background work shows in the "other
# procs" CPU row). Running the two systems' phases back to back, not one system after the
# other, keeps a drift of the machine's speed from turning into a ratio.
if [ "$JIT_WARMUP_SECONDS" -gt 0 ]; then
  bench load "${rargs[@]}" --pids "${rpid[1]},${rpid[2]},${rpid[3]}" --clients 16 --target all \
    --warmup-seconds "$JIT_WARMUP_SECONDS" --seconds 1 --label raftray-jit-warmup --props "$tmp/warmup.properties"
  if [ "$SKIP_ETCD" != 1 ]; then
    bench load "${eargs[@]}" --clients 16 --target all --warmup-seconds "$JIT_WARMUP_SECONDS" \
      --seconds 1 --label etcd-jit-warmup --props "$tmp/warmup.properties"
  fi
fi
for c in $CLIENTS; do
  for t in $TARGETS; do
    probe "raftray-c$c-$t"
    bench load "${rargs[@]}" --pids "${rpid[1]},${rpid[2]},${rpid[3]}" --clients "$c" --target "$t" \
      --warmup-seconds "$WARMUP_SECONDS" --seconds "$MEASURE_SECONDS" --label "raftray-c$c-$t" --props "$props"
    if [ "$SKIP_ETCD" != 1 ]; then
      probe "etcd-c$c-$t"
      bench load "${eargs[@]}" --clients "$c" --target "$t" --warmup-seconds "$WARMUP_SECONDS" \
        --seconds "$MEASURE_SECONDS" --label "etcd-c$c-$t" --props "$props"
    fi
  done
done
stop_etcd # the failover trials are Raftray's alone

# --- Raftray leader failover, per preset ------------------------------------------------------
# node.json's raft.preset is switched on every node (all stopped), then they start again.
set_preset() { # $1 = preset
  local i
  stop_raftray
  for i in 1 2 3; do
    "$JAVA" "$here/ClusterBench.java" set-preset "$(rdir "$i")/node.json" "$1" \
      || die "could not set raft.preset=$1 in node $i's node.json"
  done
  for i in 1 2 3; do start_raftray "$i"; done
  for i in 1 2 3; do wait_ready "$(rurl "$i")" "$ca" "${rpid[$i]}"; done
  bench wait "${rargs[@]}" --timeout-seconds 120
}
if [ "$TRIALS" -gt 0 ]; then
  for preset in $FAILOVER_PRESETS; do
    [ "$preset" = "$first_preset" ] || { say "failover: switching every node to preset $preset"; set_preset "$preset"; }
    echo "meta.failover.$preset.election_timeout_ms=$(election_ms)" >>"$props"
    for t in $(seq 1 "$TRIALS"); do
      bench failover "${rargs[@]}" --pids "${rpid[1]},${rpid[2]},${rpid[3]}" --trial "$t" \
        --preset "$preset" --writers "$FAILOVER_WRITERS" --request-timeout-ms "$FAILOVER_TIMEOUT_MS" \
        --props "$props"
      k="$(cat "$tmp/out")"
      [[ "$k" =~ ^[123]$ ]] || die "failover trial $t returned no node index"
      { wait "${rpid[$k]}"; } 2>/dev/null || true # reap the killed daemon (quietly: no "Killed")
      say "failover ($preset) trial $t: restarting node $k"
      start_raftray "$k"
      wait_ready "$(rurl "$k")" "$ca" "${rpid[$k]}"
      bench wait "${rargs[@]}" --timeout-seconds 120 # all three healthy again before the next trial
    done
  done
fi
stop_raftray

# --- report -----------------------------------------------------------------------------------
echo "meta.loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$props"
mkdir -p "$here/results"
"$JAVA" "$here/ClusterBench.java" report --props "$props" --results "$here/results/cluster-$stamp.json" &
bench_pid=$!
wait "$bench_pid"
bench_pid=""
ok=1
