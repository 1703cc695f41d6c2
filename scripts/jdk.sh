# Sourced by ./raftray and the bench scripts: finds a JDK >= 21 without changing the machine.
# java_major BIN  -> feature version of that java binary (0 when unknown)
# find_java       -> prints a JDK home: JAVA_HOME if new enough, else the newest under
#                    /usr/lib/jvm (and /opt/java, /usr/local/lib/jvm), else the one behind
#                    `java` on PATH; returns 1 with a message on stderr when there is none.
java_major() {
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1 || echo 0
}

find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] \
      && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/* /opt/java/* /usr/local/lib/jvm/*; do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d/bin/java")"
    if [ "${v:-0}" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  if [ -z "$best" ] && command -v java >/dev/null; then
    d="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")"
    [ "$(java_major "$d/bin/java")" -ge 21 ] 2>/dev/null && best="$d"
  fi
  if [ -z "$best" ]; then
    echo "raftray: no JDK >= 21 found (set JAVA_HOME or install one under /usr/lib/jvm)" >&2
    return 1
  fi
  echo "$best"
}
