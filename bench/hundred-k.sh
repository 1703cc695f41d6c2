#!/usr/bin/env bash
# 100,000 users on one node (issue 12 item 7): USERS users, each in a group (USERS memberships),
# created with POST /api/v1/users/batch; then a clean restart (the snapshot taken at stop), and the
# figures: snapshot size and write time, restart-to-ready time, write p50, /sub p50, RSS.
# See bench/README.md "100,000 users". Run it under the shared lock on the development machine:
#   bench/hundred-k.sh
#   USERS       users (and memberships)                 (default 100000)
#   SAMPLES     timed sequential writes and /sub GETs   (default 300)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon       (default none)
#   BENCH_TMPDIR   parent of the temporary data directory (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
USERS="${USERS:-100000}"
SAMPLES="${SAMPLES:-300}"
# shellcheck source=one-node.sh
. "$here/one-node.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
p50() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# --- one group, USERS members, 1,000 per users/batch request ---------------------------------
printf '{"name":"bench-group","selector":{"endpoint_labels":{"bench":"hundred-k"}}}' >"$tmp/group.json"
must 201 POST groups "$tmp/group.json"
group="$(field id)"
mkdir -p "$tmp/bodies"
batches=$(( (USERS + 999) / 1000 ))
for b in $(seq 0 $((batches - 1))); do
  from=$((b * 1000)); to=$(( from + 1000 < USERS ? from + 1000 : USERS ))
  { printf '{"users":['
    for i in $(seq "$from" $((to - 1))); do
      [ "$i" = "$from" ] || printf ','
      printf '{"name":"hk-%06d","group_ids":["%s"],"data_limit_bytes":10737418240,"reset_strategy":"month"}' "$i" "$group"
    done
    printf ']}'; } >"$tmp/bodies/$b.json"
done
start=$(now_ms)
for b in $(seq 0 $((batches - 1))); do must 201 POST users/batch "$tmp/bodies/$b.json"; done
load_ms=$(( $(now_ms) - start ))
# The token is the last segment of the user's subscription_url (the batch answer has no separate
# subscription_token field).
sub_token="$(sed -n 's|.*"subscription_url":"[^"]*/sub/\([^"]*\)".*|\1|p' "$tmp/answer.json")"
[ -n "$sub_token" ] || { say "no subscription_url in the batch answer"; exit 1; }
say "created $USERS users in $batches batches: ${load_ms} ms"

measure() { # LABEL: write p50 and /sub p50 over SAMPLES requests each, in ms
  local i
  : >"$tmp/w.txt"; : >"$tmp/s.txt"
  for i in $(seq 1 "$SAMPLES"); do
    printf '{"name":"hk-%s-%06d"}' "$1" "$i" >"$tmp/one.json"
    curl -sS -o /dev/null -w '%{time_total}\n' --cacert "$data/tls/ca.crt" -H "$auth" \
      -H 'Content-Type: application/json' --data-binary "@$tmp/one.json" \
      "$base/api/v1/users" >>"$tmp/w.txt"
    curl -sS -o /dev/null -w '%{time_total}\n' --cacert "$data/tls/ca.crt" -A 'v2rayNG/1.9.30' \
      "$base/sub/$sub_token" >>"$tmp/s.txt"
  done
  echo "$(awk '{print $1*1000}' "$tmp/w.txt" | p50) $(awk '{print $1*1000}' "$tmp/s.txt" | p50)"
}
read -r w50 s50 <<<"$(measure a)"
rss_loaded="$(rss_mib "$pid")"

# --- clean restart: SIGTERM (the snapshot is written at stop), start again, time to /readyz ----
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
snap="$(ls -S "$data"/raft/*/sm/snapshot.* 2>/dev/null | grep -v md5 | head -n 1 || true)"
snap_bytes="$( [ -n "$snap" ] && stat -c %s "$snap" || echo 0)"
snap_line="$(grep -o 'snapshot written at index [0-9]* ([^)]*)' "$tmp/daemon.log" | tail -n 1 || true)"
mv "$tmp/daemon.log" "$tmp/daemon-1.log"
start=$(now_ms)
# shellcheck disable=SC2086
# Through the launcher again, so its JVM defaults apply after the restart too.
RAFTRAY_JAVA_OPTS="$JAVA_OPTS" "$root/raftray" run --data-dir "$data" $RUN_ARGS >"$tmp/daemon.log" 2>&1 &
pid=$!
ready=0
for _ in $(seq 1 1200); do # up to 120 s
  kill -0 "$pid" 2>/dev/null || { say "daemon exited during restart"; exit 1; }
  if curl -fsS --max-time 2 --cacert "$data/tls/ca.crt" "$base/readyz" >/dev/null 2>&1; then
    ready=1; break
  fi
  sleep 0.05
done
[ "$ready" = 1 ] || { say "daemon not ready 120 s after restart"; exit 1; }
restart_ms=$(( $(now_ms) - start ))
read -r w50b s50b <<<"$(measure b)"
sleep 5
rss_after="$(rss_mib "$pid")"

echo "hundred-k: $USERS users + $USERS memberships (users/batch: ${load_ms} ms in $batches requests)"
echo "hundred-k: snapshot $(( snap_bytes / 1048576 )) MiB ($snap_bytes bytes) ${snap_line:+[$snap_line]}"
echo "hundred-k: restart to /readyz ${restart_ms} ms"
echo "hundred-k: write p50 ${w50} ms, /sub p50 ${s50} ms (before restart); ${w50b} / ${s50b} ms after"
echo "hundred-k: RSS ${rss_loaded} MiB loaded, ${rss_after} MiB after restart + ${SAMPLES} writes"
echo "hundred-k: nproc=$(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), JVM flags ${JAVA_OPTS:-none}, raftray $version, commit $commit"
ok=1
