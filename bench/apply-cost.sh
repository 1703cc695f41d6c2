#!/usr/bin/env bash
# Apply cost per write as the state grows (in-process Store.apply, no Raft/disk/HTTP), for this
# tree and, with BASE=<git ref>, for that ref too in the same run. See bench/README.md.
#   USERS  user counts                     (default 1000,10000,100000)
#   OPS    timed applies per operation     (default 5000)
#   BASE   git ref to compare with, e.g. main (built in a temporary directory; default: none)
#   BASE_TREE  an already built tree of BASE (kept; skips building BASE)
#   BENCH_LOCK  a lock file held (flock) around the timed runs only, not the builds (for a machine
#          shared with other builds)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
USERS="${USERS:-1000,10000,100000}"
OPS="${OPS:-5000}"
BASE="${BASE:-}"

jdk() {
  if [ -n "${JAVA_HOME:-}" ] && "$JAVA_HOME/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
    echo "$JAVA_HOME/bin/java"; return
  fi
  for j in $(ls -d /usr/lib/jvm/*/ /opt/java/*/ /usr/local/lib/jvm/*/ 2>/dev/null | sort -rV); do
    if [ -x "$j/bin/java" ] && "$j/bin/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then
      echo "$j/bin/java"; return
    fi
  done
  echo "apply-cost: no JDK >= 21 found" >&2; exit 1
}
JAVA="$(jdk)"

build() { # $1: source tree
  local buildlog; buildlog="$(mktemp)"
  (cd "$1" && ./mvnw -B -o -q package -DskipTests -Dspotless.check.skip=true >"$buildlog" 2>&1) \
    || { echo "apply-cost: build of $1 failed:" >&2; tail -n 30 "$buildlog" >&2; exit 1; }
}

run() { # $1: tree, $2: label
  ${BENCH_LOCK:+flock "$BENCH_LOCK"} "$JAVA" -Xmx2g -cp "$1/target/raftray.jar:$1/target/lib/*" "$here/ApplyCost.java" \
    --users "$USERS" --ops "$OPS" --label "$2"
}

tmp="${BASE_TREE:-}"
keep="${BASE_TREE:+1}"
trap '[ -n "$tmp" ] && [ -z "$keep" ] && rm -rf "$tmp"' EXIT
if [ -n "$BASE" ] && [ -n "$keep" ]; then
  echo "using the build of $BASE in $tmp (BASE_TREE)" >&2
elif [ -n "$BASE" ]; then
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/apply-cost-base.XXXXXX")"
  git -C "$root" archive "$BASE" | tar -x -C "$tmp"
  echo "building $BASE ($(git -C "$root" rev-parse --short "$BASE")) in $tmp ..." >&2
  build "$tmp"
fi
echo "building this tree ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ', dirty')) ..." >&2
build "$root"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$BASE" ]; then
  run "$tmp" "$BASE $(git -C "$root" rev-parse --short "$BASE")"
fi
run "$root" "HEAD $(git -C "$root" rev-parse --short HEAD)"
