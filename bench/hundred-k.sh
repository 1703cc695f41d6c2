#!/usr/bin/env bash
# 100,000 users on one node (issue 12 item 7): USERS users, each in a group (USERS memberships),
# created with POST /api/v1/users/batch; then a year of usage history (the most the model keeps:
# every user's 32 daily buckets, the node's 360 hourly and 401 daily ones): `raftray backup`, the
# backup's state plus past usage.report commands applied by the state machine's own rules
# (bench/YearOfUsage.java), `raftray restore` of the result into a new data directory and
# `raftray run` (the load timed to /readyz); then writes and /sub, a clean restart (the snapshot
# taken at stop) and the figures: snapshot size and write time, restart-to-ready time, write p50,
# /sub p50, RSS, and a `raftray backup` of the loaded node. See bench/README.md "100,000 users".
# Run it under the shared lock:
#   bench/hundred-k.sh
#   USERS       users (and memberships)                 (default 100000)
#   SAMPLES     timed sequential writes and /sub GETs   (default 300)
#   HISTORY     1: with the year of usage history; 0: without (no backup/restore)  (default 1)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon       (default none)
#   CLI_JAVA_OPTS  JVM options for `raftray backup` and `raftray restore` (default RAFTRAY_JAVA_OPTS)
#   BENCH_TMPDIR   parent of the temporary data directory (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
USERS="${USERS:-100000}"
SAMPLES="${SAMPLES:-300}"
HISTORY="${HISTORY:-1}"
CLI_JAVA_OPTS="${CLI_JAVA_OPTS-${RAFTRAY_JAVA_OPTS:-}}"
# shellcheck source=one-node.sh
. "$here/one-node.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
start_node() { # LOG: ./raftray run in the background (pid), waits for /readyz; sets ready_ms
  local t0; t0=$(now_ms)
  # shellcheck disable=SC2086
  # Through the launcher, so its JVM defaults apply.
  RAFTRAY_JAVA_OPTS="$JAVA_OPTS" "$root/raftray" run --data-dir "$data" $RUN_ARGS >"$1" 2>&1 &
  pid=$!
  local ready=0
  for _ in $(seq 1 3000); do # up to 300 s
    kill -0 "$pid" 2>/dev/null || { say "daemon exited during start"; tail -n 30 "$1" >&2; exit 1; }
    if curl -fsS --max-time 2 --cacert "$data/tls/ca.crt" "$base/readyz" >/dev/null 2>&1; then
      ready=1; break
    fi
    sleep 0.05
  done
  [ "$ready" = 1 ] || { say "daemon not ready 300 s after start"; exit 1; }
  ready_ms=$(( $(now_ms) - t0 ))
}
stop_node() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; }
rss_mib() { awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
hwm_mib() { awk '/^VmHWM:/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
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
rm -rf "$tmp/bodies"

history_line="none (HISTORY=0)"
load_line=""
if [ "$HISTORY" = 1 ]; then
  # --- a year of usage history: backup, past usage.report commands applied, restore, run ------
  t0=$(now_ms)
  RAFTRAY_TOKEN="$(cat "$token")" RAFTRAY_JAVA_OPTS="$CLI_JAVA_OPTS" "$root/raftray" backup \
    --out "$tmp/base.backup" --data-dir "$data" >"$tmp/backup.log" 2>&1 \
    || { cat "$tmp/backup.log" >&2; exit 1; }
  say "$(cat "$tmp/backup.log") ($(( $(now_ms) - t0 )) ms wall clock)"
  stop_node
  say "building the usage history (bench/YearOfUsage.java)"
  "$JAVA" -Xmx3g -cp "$jar" "$here/YearOfUsage.java" "$tmp/base.backup" "$tmp/year.backup" \
    >"$tmp/year.log" 2>&1 || { cat "$tmp/year.log" >&2; exit 1; }
  history_line="$(cat "$tmp/year.log")"
  say "$history_line"
  rm -f "$tmp/base.backup"
  data="$tmp/restored"; token="$tmp/owner-restored.token"
  t0=$(now_ms)
  RAFTRAY_JAVA_OPTS="$CLI_JAVA_OPTS" "$root/raftray" restore "$tmp/year.backup" --data-dir "$data" \
    --bind "127.0.0.1:$port" --api-base-url "$base" --access-host 127.0.0.1 \
    --admin-token-file "$token" >"$tmp/restore.log" 2>&1 || { cat "$tmp/restore.log" >&2; exit 1; }
  restore_ms=$(( $(now_ms) - t0 ))
  year_bytes="$(stat -c %s "$tmp/year.backup")"
  rm -f "$tmp/year.backup"
  say "$(head -n 1 "$tmp/restore.log") ($restore_ms ms wall clock)"
  auth="Authorization: Bearer $(cat "$token")"
  mv "$tmp/daemon.log" "$tmp/daemon-0.log"
  start_node "$tmp/daemon.log"
  load_line="backup with history $year_bytes bytes; raftray restore $restore_ms ms wall clock; raftray run to /readyz ${ready_ms} ms"
  say "$load_line"
  # The history as the API reads it: the node's daily points with traffic over 401 days, one user's
  # over 32 days.
  from_d="$(date -u -d '-400 days' +%Y-%m-%dT00:00:00Z)"
  must 200 GET "stats/usage?step=day&from=$from_d"
  fleet_days="$(grep -o '"total_bytes":[1-9]' "$tmp/answer.json" | wc -l)"
  must 200 GET "users?limit=1"
  some_user="$(grep -o '"id":"usr_[^"]*"' "$tmp/answer.json" | head -n 1 | cut -d'"' -f4)"
  from_u="$(date -u -d '-31 days' +%Y-%m-%dT00:00:00Z)"
  must 200 GET "stats/usage?step=day&user_id=$some_user&from=$from_u"
  user_days="$(grep -o '"total_bytes":[1-9]' "$tmp/answer.json" | wc -l)"
  # minus the "total" object's own total_bytes in each answer
  history_api="GET /stats/usage: fleet $((fleet_days - 1)) days with traffic of the last 401, user $some_user $((user_days - 1)) of the last 32"
  say "$history_api"
fi

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
rss_ready="$(rss_mib "$pid")"
read -r w50 s50 <<<"$(measure a)"
rss_loaded="$(rss_mib "$pid")"

# --- clean restart: SIGTERM (the snapshot is written at stop), start again, time to /readyz ----
stop_node
snap="$(ls -S "$data"/raft/*/sm/snapshot.* 2>/dev/null | grep -v md5 | head -n 1 || true)"
snap_bytes="$( [ -n "$snap" ] && stat -c %s "$snap" || echo 0)"
snap_line="$(grep -o 'snapshot written at index [0-9]* ([^)]*)' "$tmp/daemon.log" | tail -n 1 || true)"
mv "$tmp/daemon.log" "$tmp/daemon-1.log"
start_node "$tmp/daemon.log"
restart_ms=$ready_ms
read -r w50b s50b <<<"$(measure b)"
sleep 5
rss_after="$(rss_mib "$pid")"

# --- a backup of the loaded node: GET /backup encodes the whole view in the daemon ------------
# The daemon's peak RSS so far (the restart's load) and after the backup; the CLI's peak RSS with
# GNU time when it is installed.
hwm_before="$(hwm_mib "$pid")"
timed=(); [ -x /usr/bin/time ] && timed=(/usr/bin/time -o "$tmp/cli-rss.txt" -f %M)
t0=$(now_ms)
if RAFTRAY_TOKEN="$(cat "$token")" RAFTRAY_JAVA_OPTS="$CLI_JAVA_OPTS" "${timed[@]}" "$root/raftray" \
    backup --out "$tmp/loaded.backup" --data-dir "$data" >"$tmp/backup-loaded.log" 2>&1; then
  backup_line="$(stat -c %s "$tmp/loaded.backup") bytes in $(( $(now_ms) - t0 )) ms wall clock"
else
  backup_line="FAILED after $(( $(now_ms) - t0 )) ms: $(tail -n 1 "$tmp/backup-loaded.log")"
fi
[ ! -s "$tmp/cli-rss.txt" ] || backup_line="$backup_line, CLI peak RSS $(( $(tail -n 1 "$tmp/cli-rss.txt") / 1024 )) MiB"
rm -f "$tmp/loaded.backup"
if kill -0 "$pid" 2>/dev/null; then
  backup_line="$backup_line; daemon peak RSS $hwm_before MiB before it, $(hwm_mib "$pid") MiB after it (RSS $(rss_mib "$pid") MiB)"
else
  backup_line="$backup_line; the daemon EXITED: $(tail -n 2 "$tmp/daemon.log" | tr '\n' ' ')"
fi

echo "hundred-k: $USERS users + $USERS memberships (users/batch: ${load_ms} ms in $batches requests)"
echo "hundred-k: usage history: $history_line"
[ -z "$load_line" ] || echo "hundred-k: load: $load_line"
[ "$HISTORY" != 1 ] || echo "hundred-k: $history_api"
echo "hundred-k: snapshot $(( snap_bytes / 1048576 )) MiB ($snap_bytes bytes) ${snap_line:+[$snap_line]}"
echo "hundred-k: restart to /readyz ${restart_ms} ms"
echo "hundred-k: write p50 ${w50} ms, /sub p50 ${s50} ms (before restart); ${w50b} / ${s50b} ms after"
echo "hundred-k: RSS ${rss_ready} MiB when ready, ${rss_loaded} MiB after ${SAMPLES} writes, ${rss_after} MiB after restart + ${SAMPLES} writes"
echo "hundred-k: raftray backup of the loaded node: $backup_line"
echo "hundred-k: nproc=$(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), RAFTRAY_JAVA_OPTS ${JAVA_OPTS:-none} (CLI ${CLI_JAVA_OPTS:-none}), raftray $version, commit $commit"
ok=1
