#!/usr/bin/env bash
# Memory cost of the replicated usage history (GET /api/v1/stats/usage): USERS users (default
# 10000) with traffic on every day of the per-user window, NODES nodes (default 3) with every
# hourly and daily bucket filled. Prints the retained heap and the snapshot section size.
#   bench/history-memory.sh [USERS] [NODES]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# shellcheck source=../scripts/jdk.sh
. "$root/scripts/jdk.sh"
JAVA_HOME="$(find_java)"
[ -f "$root/target/raftray.jar" ] || (cd "$root" && ./mvnw -B -q -DskipTests package)
"$JAVA_HOME/bin/java" -Xmx2g -cp "$root/target/raftray.jar" "$here/HistoryMemory.java" \
  "${1:-10000}" "${2:-3}"
