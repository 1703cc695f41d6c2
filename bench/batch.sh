#!/usr/bin/env bash
# Raftray batch benchmark: create USERS users with POST /api/v1/users/batch (1,000 per request,
# one Raft entry each) on one fresh node and report the wall time. See bench/README.md.
#   USERS          users to create                          (default 10000)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon (default none), e.g. -Xmx256m
#   BENCH_TMPDIR   parent of the temporary data directory   (default: $TMPDIR or /tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

USERS="${USERS:-10000}"
# shellcheck source=one-node.sh
. "$here/one-node.sh"

# --- the run: bodies prepared first, then only the requests are timed -------------------------
mkdir -p "$tmp/bodies"
batches=$(( (USERS + 999) / 1000 ))
for b in $(seq 0 $((batches - 1))); do
  from=$((b * 1000)); to=$(( from + 1000 < USERS ? from + 1000 : USERS ))
  { printf '{"users":['
    for i in $(seq "$from" $((to - 1))); do
      [ "$i" = "$from" ] || printf ','
      printf '{"name":"bench-%06d","data_limit_bytes":10737418240,"reset_strategy":"month"}' "$i"
    done
    printf ']}'; } >"$tmp/bodies/$b.json"
done
start=$(date +%s%N)
for b in $(seq 0 $((batches - 1))); do
  code="$(curl -sS -o "$tmp/answer.json" -w '%{http_code}' --cacert "$data/tls/ca.crt" \
    -H "$auth" -H 'Content-Type: application/json' --data-binary "@$tmp/bodies/$b.json" \
    "$base/api/v1/users/batch")"
  [ "$code" = 201 ] || { say "batch $b answered $code: $(head -c 500 "$tmp/answer.json")"; exit 1; }
done
end=$(date +%s%N)
curl -fsS -o "$tmp/metrics.txt" --cacert "$data/tls/ca.crt" "$base/metrics"
count="$(awk '/^raftray_users[ {]/ {print $NF; exit}' "$tmp/metrics.txt")"
ms=$(( (end - start) / 1000000 ))
echo "users/batch: $USERS users in $batches requests of up to 1000: ${ms} ms wall time" \
  "(raftray_users=${count:-?}; nproc=$(nproc); raftray $version, commit $commit)"
ok=1
