#!/usr/bin/env bash
# Raftray console benchmark: the users page with USERS users, in Debian's headless Chromium.
# Starts one real node (bench/one-node.sh), creates USERS users with POST /api/v1/users/batch
# (1,000 per request), an admin account, then times the users page (bench/README.md):
#   USERS   users to create                                   (default 50000)
#   LOADS   measured loads per figure (one more warms up)    (default 7)
#   API_N   measured API calls per figure                     (default 50)
#   RAFTRAY_JAVA_OPTS, BENCH_TMPDIR: as for bench/single-node.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

USERS="${USERS:-50000}"
LOADS="${LOADS:-7}"
API_N="${API_N:-50}"
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
  || { echo "bench: needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)" >&2; exit 1; }

# The browser driver is a main on the test classpath (Selenium is a test dependency).
(cd "$root" && ./mvnw -B -q -o -DskipTests package) >&2
(cd "$root" && ./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/bench-test.classpath) >&2
cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/bench-test.classpath")"

# shellcheck source=one-node.sh
. "$here/one-node.sh"

# --- fill: USERS users, a third with an expiry, some with a note --------------------------------
mkdir -p "$tmp/bodies"
batches=$(( (USERS + 999) / 1000 ))
for b in $(seq 0 $((batches - 1))); do
  from=$((b * 1000)); to=$(( from + 1000 < USERS ? from + 1000 : USERS ))
  { printf '{"users":['
    for i in $(seq "$from" $((to - 1))); do
      [ "$i" = "$from" ] || printf ','
      if [ $((i % 3)) = 0 ]; then
        printf '{"name":"bench-%06d","data_limit_bytes":10737418240,"expire_at":"2031-%02d-%02dT00:00:00Z"}' \
          "$i" $((1 + i % 12)) $((1 + i % 28))
      else
        printf '{"name":"bench-%06d","note":"team %d"}' "$i" $((i % 50))
      fi
    done
    printf ']}'; } >"$tmp/bodies/$b.json"
done
start=$(date +%s%N)
for b in $(seq 0 $((batches - 1))); do
  must 201 POST users/batch "$tmp/bodies/$b.json"
done
fill_ms=$(( ($(date +%s%N) - start) / 1000000 ))
say "$USERS users created in $fill_ms ms ($batches batch requests)"

password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '{"username":"bench","password":"%s","role":"owner"}' "$password" >"$tmp/admin.json"
must 201 POST admins "$tmp/admin.json"

# --- the API alone: one keep-alive connection, API_N + 1 calls per figure, the first dropped ----
api_time() { # PATH-AND-QUERY -> "median (min-max)" in ms of the calls after the first
  local urls=()
  for _ in $(seq 0 "$API_N"); do urls+=(-o /dev/null "$base/api/v1/$1"); done
  curl -sS --fail --cacert "$data/tls/ca.crt" -H "$auth" -w '%{time_total}\n' "${urls[@]}" \
    | sed 1d | sort -n | awk '{a[NR]=$1*1000} END {printf "%.1f (%.1f-%.1f), n=%d", \
      (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR], NR}'
}
api_rows=()
for q in "users?limit=50" "users?limit=50&q=bench-0123" "users?sort=-used_bytes&limit=50" \
  "users?sort=name&limit=50" "users?sort=-expire_at&limit=50" "users?sort=-used_bytes&limit=50&q=team%207"; do
  api_rows+=("$(printf '%-48s | %s' "GET /api/v1/$q" "$(api_time "$q")")")
done

# --- the browser ---------------------------------------------------------------------------------
say "driving headless Chromium ($LOADS loads per figure)"
browser="$("$JAVA" -cp "$cp" io.raftray.console.ConsoleUsersBench "$base" bench "$password" "$LOADS")"

echo "console users page: $USERS users (all used_bytes 0: no data plane; ties sort by id)"
echo "nproc=$(nproc), load average $(cut -d' ' -f1-3 /proc/loadavg); raftray $version, commit $commit"
echo
echo "$browser"
echo
printf '%-48s | %s\n' "API call (time_total, one keep-alive connection)" "ms median (min-max)"
printf '%-48s | %s\n' "$(printf -- '-%.0s' $(seq 48))" "--------------------------"
printf '%s\n' "${api_rows[@]}"
ok=1
