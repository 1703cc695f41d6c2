package io.raftray.state;

import static io.raftray.state.SnapshotSection.Presence.OPTIONAL;
import static io.raftray.state.SnapshotSection.Presence.REQUIRED;
import static io.raftray.state.SnapshotSection.absentOrNull;
import static io.raftray.state.SnapshotSection.entities;
import static io.raftray.state.SnapshotSection.forEachInList;
import static io.raftray.state.SnapshotSection.number;
import static io.raftray.state.SnapshotSection.readList;
import static io.raftray.state.SnapshotSection.readOptionalMap;
import static io.raftray.state.SnapshotSection.text;
import static io.raftray.state.SnapshotSection.tree;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.NullNode;
import io.raftray.model.Admin;
import io.raftray.model.AdminToken;
import io.raftray.model.AuditEvent;
import io.raftray.model.ClusterSettings;
import io.raftray.model.Device;
import io.raftray.model.Digests;
import io.raftray.model.Endpoint;
import io.raftray.model.Grant;
import io.raftray.model.Group;
import io.raftray.model.JoinRequest;
import io.raftray.model.JoinToken;
import io.raftray.model.Json;
import io.raftray.model.Node;
import io.raftray.model.NodeUsage;
import io.raftray.model.SubscriptionSettings;
import io.raftray.model.UsageHistory;
import io.raftray.model.User;
import io.raftray.model.UserTemplate;
import io.raftray.model.XrayReport;
import io.raftray.state.SnapshotSection.Decoding;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Snapshot file format: a header line {@code RAFTRAY-SNAPSHOT <schema> sha256=<hex>} followed by
 * the JSON body, one field per {@link SnapshotSection} in the order of {@link #SECTIONS}. The
 * checksum covers the body; a mismatch or unknown schema refuses the load. The bytes are part of
 * the format (replicas compare {@link #digest}s): {@code StateFormatCompatibilityTest} holds a
 * snapshot written by release v1.
 */
public final class SnapshotCodec {
  static final int SCHEMA = 1;
  private static final String MAGIC = "RAFTRAY-SNAPSHOT ";
  // Map entries sorted by key: records hold maps (node facts and labels, endpoint settings) built
  // with Map.copyOf, whose iteration order is randomised per JVM. Without sorting, replicas with
  // equal states wrote different bytes, so state_digest differed between nodes.
  private static final ObjectMapper JSON =
      Json.mapper().copy().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** The body's fields in file order. A new entity appends its section (OPTIONAL) at the end. */
  static final List<SnapshotSection> SECTIONS =
      List.of(
          number("applied_index", State::appliedIndex, State.Builder::appliedIndex),
          text("cluster_id", State::clusterId, State.Builder::clusterId),
          text("ca_cert_pem", State::caCertPem, State.Builder::caCertPem),
          entities(
              "nodes",
              new TypeReference<List<Node>>() {},
              State::nodes,
              Node::id,
              State.Builder::nodes,
              REQUIRED),
          entities(
              "users",
              new TypeReference<List<User>>() {},
              State::users,
              User::id,
              State.Builder::users,
              REQUIRED),
          entities(
              "endpoints",
              new TypeReference<List<Endpoint>>() {},
              State::endpoints,
              Endpoint::id,
              State.Builder::endpoints,
              REQUIRED),
          entities(
              "grants",
              new TypeReference<List<Grant>>() {},
              State::grants,
              Grant::id,
              State.Builder::grants,
              REQUIRED),
          entities(
              "admin_tokens",
              new TypeReference<List<AdminToken>>() {},
              State::adminTokens,
              AdminToken::id,
              State.Builder::adminTokens,
              REQUIRED),
          // Added after schema 1 was first written: snapshots from before joining existed lack
          // them.
          entities(
              "join_tokens",
              new TypeReference<List<JoinToken>>() {},
              State::joinTokens,
              JoinToken::id,
              State.Builder::joinTokens,
              OPTIONAL),
          entities(
              "join_requests",
              new TypeReference<List<JoinRequest>>() {},
              State::joinRequests,
              JoinRequest::id,
              State.Builder::joinRequests,
              OPTIONAL),
          new SnapshotSection(
              "audit",
              s -> s.audit().all(),
              (p, b, ctx) -> {
                List<AuditEvent> events =
                    readList(p, "audit", new TypeReference<>() {}, REQUIRED, ctx);
                b.audit(AuditLog.of(events, ctx.auditRetention()));
              }),
          // Added with node removal and certificate renewal; older snapshots have an empty list.
          new SnapshotSection(
              "revoked_serials",
              State::revokedSerials,
              (p, b, ctx) -> {
                TreeSet<String> serials = new TreeSet<>();
                forEachInList(
                    p,
                    "revoked_serials",
                    new TypeReference<List<String>>() {},
                    OPTIONAL,
                    ctx,
                    serials::add);
                b.revokedSerials(Collections.unmodifiableNavigableSet(serials));
              }),
          // Added with subscription settings; older snapshots have the defaults.
          new SnapshotSection(
              "subscription_settings",
              s -> orJsonNull(s.subscriptionSettings()),
              (p, b, ctx) ->
                  b.subscriptionSettings(
                      absentOrNull(p)
                          ? null
                          : ctx.json().readerFor(SubscriptionSettings.class).readValue(p))),
          // Added with traffic collection; older snapshots have no usage bookkeeping yet.
          new SnapshotSection(
              "node_usage",
              State::nodeUsage,
              (p, b, ctx) -> {
                Map<String, Map<String, NodeUsage>> byUser =
                    readOptionalMap(p, "node_usage", new TypeReference<>() {}, ctx);
                TreeMap<String, NavigableMap<String, NodeUsage>> usage = new TreeMap<>();
                byUser.forEach((user, byNode) -> usage.put(user, State.sorted(byNode)));
                b.nodeUsage(Collections.unmodifiableNavigableMap(usage));
              }),
          new SnapshotSection(
              "usage_seqs",
              State::usageSeqs,
              (p, b, ctx) -> {
                Map<String, Long> seqs =
                    readOptionalMap(p, "usage_seqs", new TypeReference<>() {}, ctx);
                b.usageSeqs(State.sorted(seqs));
              }),
          // Added with node.report_xray; written only when a node has reported.
          new SnapshotSection(
              "xray_reports",
              s -> s.xrayReports().isEmpty() ? null : s.xrayReports(),
              (p, b, ctx) -> {
                Map<String, XrayReport> reports =
                    p == null
                        ? Map.of()
                        : ctx.json()
                            .readerFor(new TypeReference<Map<String, XrayReport>>() {})
                            .readValue(p);
                b.xrayReports(State.sorted(reports));
              }),
          // Added with groups (issue 11); written only when a group exists, so snapshots without
          // groups keep their bytes.
          new SnapshotSection(
              "groups",
              s -> s.groups().isEmpty() ? null : s.groups().values(),
              (p, b, ctx) -> {
                TreeMap<String, Group> byId = new TreeMap<>();
                forEachInList(
                    p,
                    "groups",
                    new TypeReference<List<Group>>() {},
                    OPTIONAL,
                    ctx,
                    g -> byId.put(g.id(), g));
                b.groups(Collections.unmodifiableNavigableMap(byId));
              }),
          // Added with replicated audit retention; written only when not the defaults, so states
          // that never changed a setting encode as before.
          new SnapshotSection(
              "settings",
              s -> s.settings().isDefault() ? null : s.settings(),
              (p, b, ctx) ->
                  b.settings(
                      absentOrNull(p)
                          ? null
                          : ctx.json().readerFor(ClusterSettings.class).readValue(p))),
          // Added with user templates; written only when there is one, so the digest of a state
          // without templates is what it was.
          new SnapshotSection(
              "user_templates",
              s -> s.userTemplates().isEmpty() ? null : s.userTemplates().values(),
              (p, b, ctx) -> {
                TreeMap<String, UserTemplate> byId = new TreeMap<>();
                forEachInList(
                    p,
                    "user_templates",
                    new TypeReference<List<UserTemplate>>() {},
                    OPTIONAL,
                    ctx,
                    t -> byId.put(t.id(), t));
                b.userTemplates(Collections.unmodifiableNavigableMap(byId));
              }),
          // Added with device (HWID) limits: user id -> devices in hwid order; written only when a
          // device is registered, so states without devices keep their bytes.
          new SnapshotSection(
              "devices",
              s -> {
                if (s.devices().isEmpty()) {
                  return null;
                }
                TreeMap<String, Collection<Device>> out = new TreeMap<>();
                s.devices().forEach((user, byHwid) -> out.put(user, byHwid.values()));
                return out;
              },
              (p, b, ctx) -> {
                Map<String, List<Device>> byUser =
                    readOptionalMap(p, "devices", new TypeReference<>() {}, ctx);
                TreeMap<String, NavigableMap<String, Device>> devices = new TreeMap<>();
                byUser.forEach(
                    (user, list) -> {
                      TreeMap<String, Device> byHwid = new TreeMap<>();
                      list.forEach(d -> byHwid.put(d.hwid(), d));
                      devices.put(user, Collections.unmodifiableNavigableMap(byHwid));
                    });
                b.devices(Collections.unmodifiableNavigableMap(devices));
              }),
          // Added with usage history (the console's charts): written only when traffic was
          // reported, so states without any keep their bytes. The largest section of a busy
          // cluster (a number per user per day): read straight from the parser.
          new SnapshotSection(
              "usage_history",
              s -> s.usageHistory().isEmpty() ? null : s.usageHistory(),
              (p, b, ctx) ->
                  b.usageHistory(
                      absentOrNull(p)
                          ? UsageHistory.empty()
                          : sortedHistory(ctx.json().readerFor(UsageHistory.class).readValue(p)))),
          // Added with admin accounts (console login); written only when one exists, so states
          // without admins keep their bytes.
          new SnapshotSection(
              "admins",
              s -> s.admins().isEmpty() ? null : s.admins().values(),
              (p, b, ctx) -> {
                TreeMap<String, Admin> byId = new TreeMap<>();
                forEachInList(
                    p,
                    "admins",
                    new TypeReference<List<Admin>>() {},
                    OPTIONAL,
                    ctx,
                    a -> byId.put(a.id(), a));
                b.admins(Collections.unmodifiableNavigableMap(byId));
              }),
          // Added with feature levels; written only above the base level, so a cluster that never
          // raised it encodes as before and nodes of the release before can install its snapshots.
          tree(
              "feature_level",
              s -> s.featureLevel() <= Features.BASE ? null : s.featureLevel(),
              (n, b, ctx) -> b.featureLevel(n == null || n.isNull() ? Features.BASE : n.asInt())),
          // Added with webhooks (feature level 2): written only when something is in it, which
          // needs a webhook.* entry, so only at that level; states without webhooks keep their
          // bytes.
          new SnapshotSection(
              "webhooks",
              s -> s.webhooks().isEmpty() ? null : WebhooksForm.of(s.webhooks()),
              (p, b, ctx) ->
                  b.webhooks(
                      absentOrNull(p)
                          ? Webhooks.empty()
                          : ctx.json()
                              .readerFor(WebhooksForm.class)
                              .<WebhooksForm>readValue(p)
                              .toWebhooks())));

  /** The history as read, with its maps sorted (snapshot bytes and digest are in id order). */
  private static UsageHistory sortedHistory(UsageHistory h) {
    return new UsageHistory(State.sorted(h.nodes()), State.sorted(h.users()));
  }

  /** JSON null for a null value (the tree codec wrote {@code valueToTree(null)} as null). */
  private static Object orJsonNull(@Nullable Object value) {
    return value == null ? NullNode.instance : value;
  }

  private SnapshotCodec() {}

  /**
   * The header's length: {@code RAFTRAY-SNAPSHOT 1 sha256=} and 64 hex digits and a newline, the
   * same for every body, so a file writer can leave room for it and fill it in last.
   */
  static final int HEADER_LENGTH = header(new byte[32]).length;

  private static byte[] header(byte[] bodySha256) {
    return (MAGIC + SCHEMA + " sha256=" + HexFormat.of().formatHex(bodySha256) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Streams the body (no header) to {@code out}, section by section through one generator: no tree
   * of the state and no copy of its bytes is built. The bytes are those the tree codec wrote
   * ({@code SnapshotGoldenTest}).
   */
  static void writeBody(State s, OutputStream out) throws IOException {
    try (JsonGenerator gen = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      gen.writeStartObject();
      for (SnapshotSection section : SECTIONS) {
        Object value = section.writer().write(s);
        if (value != null) {
          gen.writeFieldName(section.field());
          BODY_WRITER.writeValue(gen, value);
        }
      }
      gen.writeEndObject();
    }
  }

  // Writes into the generator without flushing it per value (the file is written in big blocks).
  private static final ObjectWriter BODY_WRITER =
      JSON.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  /** The header for {@code s}'s body and the body's length: one encoding pass, nothing kept. */
  private record Measured(byte[] header, long bodyLength) {}

  private static Measured measure(State s) throws IOException {
    MessageDigest sha = Digests.sha256();
    long[] length = {0};
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) {
            length[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            length[0] += len;
          }
        };
    writeBody(s, new DigestOutputStream(counting, sha));
    return new Measured(header(sha.digest()), length[0]);
  }

  /**
   * The snapshot of {@code s} as bytes. The state is encoded twice (the checksum in the header
   * first, then the body into the result) so that nothing but the result is held; a snapshot file
   * is better written with {@link #write(State, Path)}, which holds none of it.
   */
  public static byte[] encode(State s) throws IOException {
    Measured m = measure(s);
    long length = m.header().length + m.bodyLength();
    if (length > Integer.MAX_VALUE - 16) {
      throw new IOException("snapshot of " + length + " bytes is too large for one array");
    }
    byte[] out = new byte[(int) length];
    int[] at = {0};
    // writeExactly never writes past the length, so the array cannot overflow.
    writeExactly(
        s,
        m.header(),
        length,
        new OutputStream() {
          @Override
          public void write(int b) {
            out[at[0]++] = (byte) b;
          }

          @Override
          public void write(byte[] b, int off, int len) {
            System.arraycopy(b, off, out, at[0], len);
            at[0] += len;
          }
        });
    return out;
  }

  /**
   * Writes the snapshot of {@code s} to {@code out} (left open), encoding it twice (as {@link
   * #encode(State)}) and holding none of it.
   */
  public static void encode(State s, OutputStream out) throws IOException {
    Measured m = measure(s);
    writeExactly(s, m.header(), m.header().length + m.bodyLength(), out);
  }

  /**
   * Writes {@code header} and the body of {@code s} to {@code out} (left open): exactly {@code
   * length} bytes, the length an earlier pass measured, or an IOException (a view is immutable, so
   * the encoding cannot change between passes; this checks it rather than write bytes that disagree
   * with the length and checksum already given out).
   */
  private static void writeExactly(State s, byte[] header, long length, OutputStream out)
      throws IOException {
    out.write(header);
    long[] written = {header.length};
    writeBody(
        s,
        new KeepOpen(out) {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            written[0] += len;
            if (written[0] > length) {
              throw new IOException("snapshot encoding changed between two passes");
            }
            out.write(b, off, len);
          }
        });
    if (written[0] != length) {
      throw new IOException("snapshot encoding changed between two passes");
    }
  }

  /**
   * The snapshot of {@code s} as a reader must know it before its first byte (its length and the
   * SHA-256 over all of it, from two encoding passes), its bytes made once more by {@link
   * Sized#writeTo}: a view's snapshot sent over HTTP or written through a cipher is never held.
   */
  public static Sized sized(State s) throws IOException {
    Measured m = measure(s);
    MessageDigest all = Digests.sha256();
    all.update(m.header());
    writeBody(s, new DigestOutputStream(OutputStream.nullOutputStream(), all));
    return new Sized(
        s, m.header(), m.header().length + m.bodyLength(), HexFormat.of().formatHex(all.digest()));
  }

  /** One view's snapshot by its length and checksum; see {@link #sized(State)}. */
  public static final class Sized {
    private final State state;
    private final byte[] header;
    private final long length;
    private final String sha256Hex;

    private Sized(State state, byte[] header, long length, String sha256Hex) {
      this.state = state;
      this.header = header;
      this.length = length;
      this.sha256Hex = sha256Hex;
    }

    /** The snapshot's length in bytes, header included. */
    public long length() {
      return length;
    }

    /** SHA-256 over the whole snapshot, lower-case hex (as {@link #digest(State)}). */
    public String sha256Hex() {
      return sha256Hex;
    }

    /**
     * Encodes the snapshot into {@code out} (left open): exactly {@link #length()} bytes, or an
     * IOException if the encoding changed between passes.
     */
    public void writeTo(OutputStream out) throws IOException {
      writeExactly(state, header, length, out);
    }
  }

  /**
   * Writes the snapshot of {@code s} into {@code file} (created or truncated) and forces it to the
   * device before returning: the body streams to the file behind a blank header, which is written
   * last over the blank with the body's checksum, so none of the state's bytes are held in memory.
   */
  public static void write(State s, Path file) throws IOException {
    write(
        s,
        file,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
  }

  /** As {@link #write(State, Path)}, into a new file: fails if {@code file} exists. */
  public static void writeNew(State s, Path file) throws IOException {
    write(s, file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  private static void write(State s, Path file, StandardOpenOption... options) throws IOException {
    MessageDigest sha = Digests.sha256();
    try (FileChannel ch = FileChannel.open(file, options)) {
      ch.position(HEADER_LENGTH);
      OutputStream toFile = Channels.newOutputStream(ch);
      // Closing the generator flushes this buffer; the channel itself stays open (not closed by
      // the generator: the stream is wrapped in one that ignores close).
      BufferedOutputStream buffered = new BufferedOutputStream(new KeepOpen(toFile), 1 << 20);
      writeBody(s, new DigestOutputStream(buffered, sha));
      buffered.flush();
      ByteBuffer header = ByteBuffer.wrap(header(sha.digest()));
      long at = 0;
      while (header.hasRemaining()) {
        at += ch.write(header, at);
      }
      ch.force(true);
    }
  }

  /**
   * SHA-256 over the canonical encoding of a state: replicas that applied the same log prefix have
   * the same digest, so tests and operators can compare nodes. The body is encoded twice (once for
   * the checksum in the header, once for the digest over header and body) instead of held.
   */
  public static String digest(State s) {
    try {
      return sized(s).sha256Hex();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode state", e);
    }
  }

  /**
   * Decodes and verifies a snapshot; any damage is an IOException naming what is wrong. The audit
   * list is trimmed by the replicated {@code audit_retention} setting held in the snapshot itself;
   * {@code localAuditRetention} (node.json, a per-node value) no longer takes part, or replicas
   * would disagree.
   */
  public static State decode(byte[] data, int localAuditRetention) throws IOException {
    return decode(data);
  }

  /** Decodes and verifies a snapshot; any damage is an IOException naming what is wrong. */
  public static State decode(byte[] data) throws IOException {
    int nl = 0;
    while (nl < data.length && nl < 200 && data[nl] != '\n') {
      nl++;
    }
    if (nl >= data.length) {
      throw new IOException("not a raftray snapshot (bad header)");
    }
    String expected = checkHeader(new String(data, 0, nl, StandardCharsets.US_ASCII));
    int from = nl + 1;
    MessageDigest sha = Digests.sha256();
    sha.update(data, from, data.length - from);
    verify(sha, expected);
    try (JsonParser p = JSON.createParser(data, from, data.length - from)) {
      return readBody(p);
    }
  }

  /** As {@link #decode(byte[], int)}, from a file ({@link #decode(Path)}). */
  public static State decode(Path file, int localAuditRetention) throws IOException {
    return decode(file);
  }

  /**
   * Decodes and verifies the snapshot in {@code file}, streaming it twice (the checksum, then the
   * body's parser): its bytes are never held in memory.
   */
  public static State decode(Path file) throws IOException {
    String expected;
    int from;
    MessageDigest sha = Digests.sha256();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1 && c != '\n' && line.size() < 200) {
        line.write(c);
      }
      if (c != '\n') {
        throw new IOException("not a raftray snapshot (bad header)");
      }
      expected = checkHeader(line.toString(StandardCharsets.US_ASCII));
      from = line.size() + 1;
      byte[] block = new byte[1 << 16];
      int n;
      while ((n = in.read(block)) != -1) {
        sha.update(block, 0, n);
      }
    }
    verify(sha, expected);
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(from);
      try (JsonParser p = JSON.createParser(in)) {
        return readBody(p);
      }
    }
  }

  /** The body's expected checksum from the header line; refuses other headers and schemas. */
  private static String checkHeader(String header) throws IOException {
    if (!header.startsWith(MAGIC)) {
      throw new IOException("not a raftray snapshot (bad header)");
    }
    String[] parts = header.substring(MAGIC.length()).split(" ");
    if (parts.length != 2 || !parts[1].startsWith("sha256=")) {
      throw new IOException("not a raftray snapshot (bad header)");
    }
    if (!String.valueOf(SCHEMA).equals(parts[0])) {
      throw new IOException("unsupported snapshot schema " + parts[0]);
    }
    return parts[1].substring("sha256=".length());
  }

  private static void verify(MessageDigest sha, String expected) throws IOException {
    if (!HexFormat.of().formatHex(sha.digest()).equals(expected)) {
      throw new IOException("snapshot checksum mismatch: the file is corrupt");
    }
  }

  /**
   * Reads the body's fields as they come, each from the parser by its section (unknown fields are
   * skipped, as the tree codec ignored them), then gives the sections that were absent their absent
   * value.
   */
  private static State readBody(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("snapshot body is not a JSON object");
    }
    // The audit section comes before the settings: read it untrimmed, trim once both are known.
    Decoding ctx = new Decoding(JSON, Integer.MAX_VALUE);
    State.Builder b = State.builder();
    Set<String> seen = new HashSet<>();
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      SnapshotSection section = BY_FIELD.get(field);
      if (section == null) {
        p.skipChildren();
      } else {
        section.reader().read(p, b, ctx);
        seen.add(field);
      }
    }
    if (t != JsonToken.END_OBJECT) {
      throw new IOException("snapshot body is truncated");
    }
    for (SnapshotSection section : SECTIONS) {
      if (!seen.contains(section.field())) {
        section.reader().read(null, b, ctx);
      }
    }
    State s = b.build();
    int retention = s.settings().effectiveAuditRetention();
    return s.toBuilder().audit(AuditLog.of(s.audit().all(), retention)).build();
  }

  private static final Map<String, SnapshotSection> BY_FIELD = byField();

  private static Map<String, SnapshotSection> byField() {
    Map<String, SnapshotSection> out = new HashMap<>();
    SECTIONS.forEach(section -> out.put(section.field(), section));
    return Map.copyOf(out);
  }

  static String sha256(byte[] data) {
    return Digests.sha256Hex(data);
  }
}
