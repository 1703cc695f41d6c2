#!/usr/bin/env bash
# Raftray group benchmark: one node supervising a real V2Ray; a USERS-user group created with
# POST /api/v1/users/batch; then ONE endpoint matching the group's selector is added and the time
# until the node's core holds every member is measured, RUNS times (the endpoint is deleted and a
# new one added for each run). Also the daemon's (and the core's) VmRSS with 0 users, with USERS
# users before the endpoint, and after it was filled. See bench/README.md.
#   USERS          group members                              (default 10000)
#   RUNS           endpoint additions measured                (default 3)
#   SETTLE         seconds to wait before each RSS reading    (default 10)
#   POLL_MS        /metrics polling interval while waiting    (default 20)
#   XRAY_BIN       the core                                   (default /usr/bin/v2ray)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon (default none), e.g. -Xmx256m
#   BENCH_TMPDIR   parent of the temporary data directory     (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

USERS="${USERS:-10000}"
RUNS="${RUNS:-3}"
SETTLE="${SETTLE:-10}"
POLL_MS="${POLL_MS:-20}"
XRAY_BIN="${XRAY_BIN:-/usr/bin/v2ray}"
[ -x "$XRAY_BIN" ] || { echo "bench: no core at $XRAY_BIN (apt-get install v2ray)" >&2; exit 1; }
RUN_ARGS="--xray-bin $XRAY_BIN"
# shellcheck source=one-node.sh
. "$here/one-node.sh"

metric() { awk -v m="$1" '$1 == m {print $2; exit}' "$tmp/metrics.txt"; }
users_total() { awk '/^raftray_users[ {]/ {s += $NF} END {print s + 0}' "$tmp/metrics.txt"; }
metrics() { curl -fsS -o "$tmp/metrics.txt" --cacert "$data/tls/ca.crt" "$base/metrics"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo -1; }
core_pid() { # the supervised core: a child of the daemon named like the binary
  local c
  for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
    [ "$(cat "/proc/$c/comm" 2>/dev/null)" = "$(basename "$XRAY_BIN")" ] && { echo "$c"; return; }
  done
  echo ""
}
memory() { # LABEL: after SETTLE seconds, the daemon's and the core's VmRSS
  sleep "$SETTLE"
  local cp; cp="$(core_pid)"
  local d c; d="$(rss_kb "$pid")"; c="$( [ -n "$cp" ] && rss_kb "$cp" || echo -1)"
  printf '%s' "$d $c"
  say "$1: daemon VmRSS ${d} kB, core VmRSS ${c} kB"
}

free_port() { "$JAVA" "$here/WriteBench.java" free-port; }

# --- 0 users ----------------------------------------------------------------------------------
read -r rss0 core0 <<<"$(memory "0 users")"

# --- the group and its USERS members (users/batch, 1,000 per request) -------------------------
printf '{"name":"bench-group","selector":{"endpoint_labels":{"bench":"groups"}}}' >"$tmp/group.json"
must 201 POST groups "$tmp/group.json"
group="$(field id)"
mkdir -p "$tmp/bodies"
batches=$(( (USERS + 999) / 1000 ))
for b in $(seq 0 $((batches - 1))); do
  from=$((b * 1000)); to=$(( from + 1000 < USERS ? from + 1000 : USERS ))
  { printf '{"users":['
    for i in $(seq "$from" $((to - 1))); do
      [ "$i" = "$from" ] || printf ','
      printf '{"name":"member-%06d","group_ids":["%s"]}' "$i" "$group"
    done
    printf ']}'; } >"$tmp/bodies/$b.json"
done
start=$(now_ms)
for b in $(seq 0 $((batches - 1))); do must 201 POST users/batch "$tmp/bodies/$b.json"; done
batch_ms=$(( $(now_ms) - start ))
say "created $USERS members in $batches users/batch requests: ${batch_ms} ms"
metrics
[ "$(users_total)" = "$USERS" ] || { say "raftray_users sums to $(users_total)"; exit 1; }
[ "$(metric raftray_xray_users)" = 0 ] || { say "core not empty before the endpoint"; exit 1; }

read -r rss1 core1 <<<"$(memory "$USERS users, no endpoint")"

# --- RUNS times: add one matching endpoint, wait until the core holds every member -----------
fills=()
answers=()
retries=()
rss2=-1; core2=-1
for r in $(seq 1 "$RUNS"); do
  printf '{"tag":"bench-%d","protocol":"vmess","port":%d,"transport":"tcp","security":"none","labels":{"bench":"groups"}}' \
    "$r" "$(free_port)" >"$tmp/endpoint.json"
  metrics; failures0="$(metric raftray_xray_reconcile_failures_total)"
  t0=$(now_ms)
  must 201 POST endpoints "$tmp/endpoint.json"
  t_answer=$(( $(now_ms) - t0 ))
  endpoint="$(field id)"
  # Done = the reconciler's published count of users it applied to the core (successful core API
  # calls only) is USERS, on one inbound, none failing.
  deadline=$(( t0 + 300000 ))
  while :; do
    metrics
    if [ "$(metric raftray_xray_users)" = "$USERS" ] && [ "$(metric raftray_xray_inbounds)" = 1 ] \
      && [ "$(metric raftray_xray_failing_inbounds)" = 0 ]; then break; fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      say "core had $(metric raftray_xray_users) users 300 s after the endpoint was added;" \
        "$(( $(metric raftray_xray_reconcile_failures_total) - failures0 )) failed core API applies;" \
        "readyz: $(curl -sS --cacert "$data/tls/ca.crt" "$base/readyz" | head -c 600)"
      exit 1
    fi
    sleep "$(awk -v ms="$POLL_MS" 'BEGIN {printf "%.3f", ms / 1000}')"
  done
  fill=$(( $(now_ms) - t0 ))
  failed=$(( $(metric raftray_xray_reconcile_failures_total) - failures0 ))
  fills+=("$fill"); answers+=("$t_answer"); retries+=("$failed")
  say "run $r: POST /endpoints answered in ${t_answer} ms; core held $USERS users ${fill} ms" \
    "after it was sent ($failed failed core API applies before)"
  if [ "$r" = 1 ]; then read -r rss2 core2 <<<"$(memory "$USERS users in the core")"; fi
  if [ "$r" -lt "$RUNS" ]; then
    must 204 DELETE "endpoints/$endpoint"
    while :; do
      metrics
      [ "$(metric raftray_xray_inbounds)" = 0 ] && [ "$(metric raftray_xray_users)" = 0 ] && break
      sleep 0.1
    done
  fi
done
p50="$(printf '%s\n' "${fills[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')"

echo "groups: $USERS-user group (users/batch: ${batch_ms} ms in $batches requests);" \
  "one matching endpoint added -> core holds all $USERS: p50 ${p50} ms of $RUNS runs" \
  "(runs: ${fills[*]} ms; POST answered in: ${answers[*]} ms; failed applies: ${retries[*]})"
echo "groups: daemon VmRSS 0 users ${rss0} kB, $USERS users before the endpoint ${rss1} kB," \
  "after ${rss2} kB; core VmRSS ${core0} / ${core1} / ${core2} kB" \
  "(nproc=$(nproc); loadavg $(cut -d' ' -f1-3 /proc/loadavg); JVM flags: ${JAVA_OPTS:-none};" \
  "core $("$XRAY_BIN" -version 2>/dev/null | head -n 1 | awk '{print $1, $2}'); raftray $version, commit $commit)"
ok=1
