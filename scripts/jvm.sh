# Sourced by ./raftray and by the installed /usr/bin/raftray (package: /usr/lib/raftray/jvm.sh):
# the JVM options of the program, in one place.
# raftray_jvm_opts FEATURE CDS_DEFAULT JAR JAVA_HOME [ARGS...] -> sets the array jvm_opts and
#   exports MALLOC_ARENA_MAX. FEATURE is the java's feature version, CDS_DEFAULT the AppCDS archive
#   used for `run` when RAFTRAY_CDS_ARCHIVE is not set, JAR and JAVA_HOME what runs (an archive
#   made for another jar or JDK, per its .id file, is stale), ARGS the program's arguments.
#
# JVM defaults, chosen for a small node (docs/operations.md "Memory"; measure with
# bench/single-node.sh): the target is at most 160 MiB RSS with 10,000 users on a 2-core host.
#   Serial GC: one GC thread and no G1 remembered sets / card tables (tens of MiB native); with a
#     heap of tens of MiB its pauses are a few ms. -Xms16m and the heap grows only as the live data
#     needs; -Xmx512m is a ceiling for big states (100,000 users), not what a node uses.
#   Code cache 64 MiB reserved, metaspace capped at 128 MiB (a
#     leak then fails fast instead of growing), thread stacks 512 KiB for the few platform threads
#     (HTTP handlers run on virtual threads, whose stacks live in the heap).
#   Heap shrinking: Serial shrinks the heap only at a full collection, down to the live data plus
#     MaxHeapFreeRatio (20 %) in one step (-ShrinkHeapInSteps), and grows it keeping at least
#     MinHeapFreeRatio (10 %) free. The daemon runs that collection itself once it is quiet after a
#     burst of writes (daemon/HeapTrimmer), so a node gives back what an import or a batch took.
#     The young generation is capped at 8 MiB (MaxNewSize): all of it is resident once the node
#     allocates, and a large eden would sit on top of a few tens of MiB of live data (16 MiB cost
#     about 8 MiB more RSS with 10,000 users; the extra young collections take ~1 ms each).
#   Tiered compilation (C1 + C2) stays: C2 alone (-XX:-TieredCompilation) saves ~20 MiB of JIT
#     code and compiler arenas but slows the writes while warming up and /sub by ~10 %.
#   TrimNativeHeapInterval (JDK >= 22): glibc keeps freed native memory; the JVM returns it every
#     10 s.
#   MALLOC_ARENA_MAX=2: glibc creates up to 8 malloc arenas per core for the many native-allocating
#     threads (TLS, JIT, Ratis pools); two are enough and keep fragmented native memory down.
raftray_jvm_opts() {
  local java_feature="$1" cds_default="$2" jar="$3" java_home="$4" cds
  shift 4
  jvm_opts=(-Xms16m -Xmx512m -XX:+UseSerialGC -Xss512k -XX:ReservedCodeCacheSize=64m
    -XX:MaxMetaspaceSize=128m -XX:+ExitOnOutOfMemoryError
    -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:-ShrinkHeapInSteps -XX:MaxNewSize=8m)
  if [ "$java_feature" -ge 22 ]; then
    jvm_opts+=(-XX:TrimNativeHeapInterval=10000)
  fi
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
  # Class data sharing for the daemon: an AppCDS archive of the classes `run` loads, written when
  # the daemon exits the first time (and again whenever the JDK or the jar changed), then mapped at
  # every start (faster start, less metaspace). RAFTRAY_CDS_ARCHIVE chooses the file (the package
  # uses /var/cache/raftray); RAFTRAY_CDS=0 turns it off; without a writable directory, none.
  if [ "${1:-}" = run ] && [ "${RAFTRAY_CDS:-1}" != 0 ]; then
    cds="${RAFTRAY_CDS_ARCHIVE:-$cds_default}"
    # The JVM regenerates a stale archive only at a normal exit, which a daemon stopped by a
    # signal does not reach (RunCommand halts after its clean stop). So the archive is tied to the
    # jar and the JDK it was made for (size and mtime of each, in "$cds.id"): when they differ, it is
    # removed here and this run writes a fresh one when it stops. (Comparing mtimes alone would
    # miss a package upgrade: its jar can be older than an archive written at the last stop.)
    local id
    id="$(stat -c '%s %Y' "$jar" "$java_home/lib/modules" 2>/dev/null | tr '\n' ' ')"
    if [ "$(cat "$cds.id" 2>/dev/null)" != "$id" ]; then
      rm -f "$cds" 2>/dev/null || true
      printf '%s' "$id" >"$cds.id" 2>/dev/null || true
    fi
    if [ -w "$(dirname "$cds")" ]; then
      jvm_opts+=(-XX:+AutoCreateSharedArchive "-XX:SharedArchiveFile=$cds" -Xlog:cds=off -Xlog:cds+dynamic=off)
    fi
  fi
  # Ratis' shaded protobuf uses sun.misc.Unsafe; JDK >= 24 warns about it on every start.
  if [ "$java_feature" -ge 24 ]; then
    jvm_opts+=(--sun-misc-unsafe-memory-access=allow)
  fi
}
