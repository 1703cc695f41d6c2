# Sourced by the one-node benchmarks (single-node.sh, batch.sh): finds the JDK, builds the jar if
# stale, inits one node in a temporary directory (always cleaned up), starts it and waits for
# /readyz. Sets: JAVA, JCMD, version, jar, commit, tmp, data, token, port, base, pid, bench_pid, ok,
# startup_ms (process start to /readyz = 200) and jvm_flags (the daemon's JVM options in effect).
# The daemon runs through the ./raftray launcher, so its JVM defaults apply (as for an operator).
# RUN_ARGS (set by the sourcing script, default none): extra `raftray run` options, e.g.
# "--xray-bin /usr/bin/v2ray" (then /readyz also waits for the core).
# shellcheck shell=bash
JAVA_OPTS="${RAFTRAY_JAVA_OPTS:-}"
RUN_ARGS="${RUN_ARGS:-}"

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

say "starting daemon through ./raftray (its JVM defaults, then RAFTRAY_JAVA_OPTS: ${JAVA_OPTS:-none}; run options: ${RUN_ARGS:-none})"
started_ns="$(date +%s%N)"
# The launcher execs java: $! is the daemon's JVM, with exactly the flags an operator gets.
# shellcheck disable=SC2086
RAFTRAY_JAVA_OPTS="$JAVA_OPTS" "$root/raftray" run --data-dir "$data" $RUN_ARGS >"$tmp/daemon.log" 2>&1 &
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
startup_ms=$((($(date +%s%N) - started_ns) / 1000000))
# The JVM flags in effect (launcher defaults + RAFTRAY_JAVA_OPTS), from the process itself.
jvm_flags="$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '2,$p' | sed '/^-jar$/,$d' | tr '\n' ' ' | sed 's/ $//')"
say "ready after $startup_ms ms; JVM flags: $jvm_flags"

# Admin API helpers for the scripts that source this one.
auth="Authorization: Bearer $(cat "$token")"
api() { # METHOD PATH [BODY-FILE] -> answer in $tmp/answer.json, prints the status
  local args=(-sS -o "$tmp/answer.json" -w '%{http_code}' --cacert "$data/tls/ca.crt" -H "$auth"
    -X "$1")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' --data-binary "@$3")
  curl "${args[@]}" "$base/api/v1/$2"
}
must() { # EXPECTED METHOD PATH [BODY-FILE]
  local want="$1"; shift
  local code; code="$(api "$@")"
  [ "$code" = "$want" ] || { say "$1 $2 answered $code: $(head -c 500 "$tmp/answer.json")"; exit 1; }
}
field() { grep -o "\"$1\":\"[^\"]*\"" "$tmp/answer.json" | head -n 1 | cut -d'"' -f4; }
