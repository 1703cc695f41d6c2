#!/usr/bin/env bash
# /sub throughput on one node next to nginx serving a static file of the same size, same machine,
# same run, both over HTTPS, both driven by wrk. See bench/README.md "Subscriptions".
#   USERS       users in the state                    (default 1000)
#   ENDPOINTS   endpoints granted to the bench user   (default 10)
#   DURATION    seconds per timed wrk run             (default 20)
#   WARMUP      seconds of untimed load before each   (default 10)
#   THREADS     wrk threads                           (default 2)
#   CONNECTIONS wrk connections                       (default 32)
#   UA          User-Agent sent to /sub               (default v2rayNG/1.9.30, i.e. base64)
#   RAFTRAY_JAVA_OPTS  JVM options for the daemon after the launcher's defaults (default none)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

USERS="${USERS:-1000}"
ENDPOINTS="${ENDPOINTS:-10}"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-10}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"
UA="${UA:-v2rayNG/1.9.30}"
JAVA_OPTS="${RAFTRAY_JAVA_OPTS:-}"

say() { echo "bench: $*" >&2; }

if ! command -v wrk >/dev/null; then
  say "wrk is missing; installing Debian's package"
  { apt-get update -qq && apt-get install -y -qq wrk; } >&2 || { say "cannot install wrk"; exit 1; }
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [ ! -x "$NGINX" ]; then
  say "nginx is missing; installing Debian's package"
  { apt-get update -qq && apt-get install -y -qq nginx-light || apt-get install -y -qq nginx; } >&2
  NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
fi

# shellcheck source=../scripts/jdk.sh
. "$root/scripts/jdk.sh"
JAVA_HOME="$(find_java)" || exit 1
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
say "JDK $JAVA_HOME; building target/raftray.jar if stale"
version="$(RAFTRAY_JAVA_OPTS= "$root/raftray" --version)"
jar="$root/target/raftray.jar"
commit="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"

tmp="$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/raftray-subbench.XXXXXX")"
pid=""
ngx=""
ok=0
cleanup() {
  local rc=$?
  if [ -n "$ngx" ]; then "$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -s stop 2>/dev/null || true; fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
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

free_port() { "$JAVA" "$here/WriteBench.java" free-port; }
data="$tmp/data"
token="$tmp/owner.token"
port="$(free_port)"
base="https://127.0.0.1:$port"
say "init node on 127.0.0.1:$port"
# shellcheck disable=SC2086
"$JAVA" $JAVA_OPTS -jar "$jar" init --data-dir "$data" --bind "127.0.0.1:$port" \
  --api-base-url "$base" --access-host 127.0.0.1 --admin-token-file "$token" >"$tmp/init.log" 2>&1 \
  || { cat "$tmp/init.log" >&2; exit 1; }
# Through the launcher (it execs java): the JVM defaults an operator gets, then RAFTRAY_JAVA_OPTS.
RAFTRAY_JAVA_OPTS="$JAVA_OPTS" "$root/raftray" run --data-dir "$data" >"$tmp/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  kill -0 "$pid" 2>/dev/null || { say "daemon exited during startup"; exit 1; }
  curl -fsS --max-time 2 --cacert "$data/tls/ca.crt" "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS --max-time 2 --cacert "$data/tls/ca.crt" "$base/readyz" >/dev/null || { say "not ready"; exit 1; }
jvm_flags="$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n '2,$p' | sed '/^-jar$/,$d' | tr '\n' ' ' | sed 's/ $//')"

say "creating $ENDPOINTS endpoints, $USERS users, one user with $ENDPOINTS grants"
sub_url="$("$JAVA" "$here/SubSetup.java" "$base" "$data/tls/ca.crt" "$token" "$USERS" "$ENDPOINTS" 8)"
sub_path="/${sub_url#https://*/}"

# The static twin: exactly the bytes /sub answers to this User-Agent.
mkdir -p "$tmp/nginx/www" "$tmp/nginx/logs"
curl -fsS --cacert "$data/tls/ca.crt" -A "$UA" -D "$tmp/sub.headers" -o "$tmp/nginx/www/sub.txt" "$sub_url"
size="$(stat -c %s "$tmp/nginx/www/sub.txt")"
links="$(base64 -d "$tmp/nginx/www/sub.txt" | grep -c '://' || true)"
[ "$links" = "$ENDPOINTS" ] || { say "expected $ENDPOINTS links in the document, got $links"; exit 1; }

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/nginx/key.pem" -out "$tmp/nginx/cert.pem" 2>/dev/null
nport="$(free_port)"
as_user=""
# nginx started by root drops its workers to "nobody", who cannot read the private temp dir.
[ "$(id -u)" = 0 ] && as_user="user root;"
cat >"$tmp/nginx/nginx.conf" <<CONF
$as_user
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/nginx/tmp;
  server {
    listen 127.0.0.1:$nport ssl;
    ssl_certificate $tmp/nginx/cert.pem;
    ssl_certificate_key $tmp/nginx/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    root $tmp/nginx/www;
    default_type text/plain;
  }
}
CONF
"$NGINX" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/logs/error.log"
ngx=1
nsize="$(curl -fsSk "https://127.0.0.1:$nport/sub.txt" | wc -c)"
[ "$nsize" = "$size" ] || { say "nginx serves $nsize bytes, /sub $size"; exit 1; }

run_wrk() { # name url -> prints wrk output to $tmp/<name>.wrk, fails on any non-2xx
  local name="$1" url="$2"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -H "User-Agent: $UA" "$url" >/dev/null
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "User-Agent: $UA" "$url" >"$tmp/$name.wrk"
  if grep -q "Non-2xx" "$tmp/$name.wrk"; then say "$name: non-2xx answers"; cat "$tmp/$name.wrk" >&2; exit 1; fi
}
figure() { # file -> "req/s p50 p90 p99"
  awk '/Requests\/sec/ {r=$2} $1=="50%" {p50=$2} $1=="90%" {p90=$2} $1=="99%" {p99=$2}
       END {printf "%10s req/s   p50 %8s   p90 %8s   p99 %8s", r, p50, p90, p99}' "$1"
}

say "wrk: ${WARMUP}s warm-up + ${DURATION}s timed, $THREADS threads, $CONNECTIONS connections, each target"
run_wrk sub "$base$sub_path"
run_wrk nginx "https://127.0.0.1:$nport/sub.txt"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$here/results"
{
  echo "raftray /sub vs nginx static, $stamp"
  echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "raftray: $version, commit $commit, JDK $JAVA_HOME"
  echo "JVM:     $jvm_flags"
  echo "nginx:   $("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), worker_processes auto"
  echo "state:   $USERS users, the measured user has $ENDPOINTS grants; document $size bytes (base64, UA $UA)"
  echo "wrk:     $THREADS threads, $CONNECTIONS connections, ${DURATION}s after ${WARMUP}s warm-up, HTTPS keep-alive"
  echo "/sub   $(figure "$tmp/sub.wrk")"
  echo "nginx  $(figure "$tmp/nginx.wrk")"
} | tee "$here/results/sub-$stamp.txt"
ok=1
