#!/usr/bin/env bash
# Raftray Marzban import benchmark (issue 15 item 1): a generated Marzban database (SQLite, the
# tables of Marzban 0.8; USERS users, each with a VMess and a VLESS proxy, every fifth with a usage
# reset) imported with `raftray import marzban --sqlite` into one fresh node, through its API.
# Reports the wall time of the import, of a second run (which must create nothing) and of a dry
# run. See bench/README.md.
#   USERS          Marzban users to generate                (default 10000)
#   BATCH          users per POST /users/batch              (default 500)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon (default none), e.g. -Xmx256m
#   BENCH_TMPDIR   parent of the temporary data directory   (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

USERS="${USERS:-10000}"
BATCH="${BATCH:-500}"
# shellcheck source=one-node.sh
. "$here/one-node.sh"

# --- the Marzban database, from the tests' fixture (testing/MarzbanDb) -------------------------
say "building the test classes and classpath for the generator"
(cd "$root" && ./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-test.classpath) >&2 || { say "build failed"; exit 1; }
cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench-test.classpath")"
db="$tmp/marzban.db"
"$JAVA" -cp "$cp" io.raftray.testing.MarzbanDb "$db" "$USERS"
say "generated $db ($(du -k "$db" | cut -f1) kB, $USERS users)"

# The import's commands need cluster feature level 2 (raised by the node itself after start).
for _ in $(seq 1 100); do
  [ "$(api GET cluster)" = 200 ] && grep -q '"feature_level":2' "$tmp/answer.json" && break
  sleep 0.1
done

cli() { # timed `raftray import marzban ...`; prints ms, output in $tmp/import.out
  local start end
  start=$(date +%s%N)
  RAFTRAY_TOKEN="$(cat "$token")" "$JAVA" -jar "$jar" import marzban --sqlite "$db" \
    --data-dir "$data" --batch-size "$BATCH" "$@" >"$tmp/import.out" 2>&1 \
    || { cat "$tmp/import.out" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}
dry_ms="$(cli --dry-run)"
grep -q "users: $USERS to create" "$tmp/import.out" || { cat "$tmp/import.out" >&2; exit 1; }
first_ms="$(cli)"
grep -q "users: $USERS created" "$tmp/import.out" || { cat "$tmp/import.out" >&2; exit 1; }
cat "$tmp/import.out" >&2
second_ms="$(cli)"
grep -q "nothing to change" "$tmp/import.out" || { cat "$tmp/import.out" >&2; exit 1; }
curl -fsS -o "$tmp/metrics.txt" --cacert "$data/tls/ca.crt" "$base/metrics"
count="$(awk '/^raftray_users[ {]/ {s += $NF} END {print s + 0}' "$tmp/metrics.txt")"
echo "marzban import: $USERS users (batches of $BATCH): ${first_ms} ms wall time;" \
  "second run (nothing to change) ${second_ms} ms; dry run ${dry_ms} ms" \
  "(raftray_users=${count}; nproc=$(nproc); raftray $version, commit $commit)"
ok=1
