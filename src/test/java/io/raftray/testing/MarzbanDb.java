package io.raftray.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A Marzban-shaped database for the import tests and bench/marzban-import.sh: the tables and
 * columns of Marzban 0.8's {@code app/db/models.py} (SQLAlchemy's types as SQLite and MySQL declare
 * them), filled row by row, written as a real SQLite file or as a {@code mysqldump}-style text.
 *
 * <p>{@code main}: {@code MarzbanDb FILE USERS} writes a SQLite database of USERS generated users
 * (VMess and VLESS each, every fifth with usage resets) for the benchmark.
 */
public final class MarzbanDb {
  /** Column name and its SQLite type, per table, in Marzban's column order. */
  private static final Map<String, String[][]> SCHEMA = new LinkedHashMap<>();

  static {
    SCHEMA.put(
        "admins",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"},
          {"username", "VARCHAR(34)"},
          {"hashed_password", "VARCHAR(128)"},
          {"created_at", "DATETIME"},
          {"is_sudo", "BOOLEAN"},
          {"password_reset_at", "DATETIME"},
          {"telegram_id", "BIGINT"},
          {"discord_webhook", "VARCHAR(1024)"},
          {"users_usage", "BIGINT NOT NULL DEFAULT 0"}
        });
    SCHEMA.put(
        "users",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"},
          {"username", "VARCHAR(34) COLLATE NOCASE"},
          {"status", "VARCHAR(8) NOT NULL"},
          {"used_traffic", "BIGINT"},
          {"data_limit", "BIGINT"},
          {"data_limit_reset_strategy", "VARCHAR(8) NOT NULL"},
          {"expire", "INTEGER"},
          {"admin_id", "INTEGER REFERENCES admins (id)"},
          {"sub_revoked_at", "DATETIME"},
          {"sub_updated_at", "DATETIME"},
          {"sub_last_user_agent", "VARCHAR(512)"},
          {"created_at", "DATETIME"},
          {"note", "VARCHAR(500)"},
          {"online_at", "DATETIME"},
          {"on_hold_expire_duration", "BIGINT"},
          {"on_hold_timeout", "DATETIME"},
          {"auto_delete_in_days", "INTEGER"},
          {"edit_at", "DATETIME"},
          {"last_status_change", "DATETIME"}
        });
    SCHEMA.put(
        "user_usage_logs",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"},
          {"user_id", "INTEGER REFERENCES users (id)"},
          {"used_traffic_at_reset", "BIGINT NOT NULL"},
          {"reset_at", "DATETIME"}
        });
    SCHEMA.put(
        "proxies",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"},
          {"user_id", "INTEGER REFERENCES users (id)"},
          {"type", "VARCHAR(11) NOT NULL"},
          {"settings", "JSON NOT NULL"}
        });
    SCHEMA.put(
        "inbounds",
        new String[][] {{"id", "INTEGER NOT NULL PRIMARY KEY"}, {"tag", "VARCHAR(256) NOT NULL"}});
    SCHEMA.put(
        "exclude_inbounds_association",
        new String[][] {
          {"proxy_id", "INTEGER REFERENCES proxies (id)"},
          {"inbound_tag", "VARCHAR(256) REFERENCES inbounds (tag)"}
        });
    SCHEMA.put(
        "user_templates",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"},
          {"name", "VARCHAR(64) NOT NULL UNIQUE"},
          {"data_limit", "BIGINT"},
          {"expire_duration", "BIGINT"},
          {"username_prefix", "VARCHAR(20)"},
          {"username_suffix", "VARCHAR(20)"}
        });
    SCHEMA.put(
        "template_inbounds_association",
        new String[][] {
          {"user_template_id", "INTEGER REFERENCES user_templates (id)"},
          {"inbound_tag", "VARCHAR(256) REFERENCES inbounds (tag)"}
        });
    SCHEMA.put(
        "jwt",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"}, {"secret_key", "VARCHAR(64) NOT NULL"}
        });
    SCHEMA.put(
        "system",
        new String[][] {
          {"id", "INTEGER NOT NULL PRIMARY KEY"}, {"uplink", "BIGINT"}, {"downlink", "BIGINT"}
        });
    SCHEMA.put(
        "alembic_version", new String[][] {{"version_num", "VARCHAR(32) NOT NULL PRIMARY KEY"}});
  }

  private static final DateTimeFormatter SQLITE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ROOT)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MYSQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Map<String, List<String>> columns = new LinkedHashMap<>();
  private final Map<String, List<Object[]>> rows = new LinkedHashMap<>();
  private int proxyIds;
  private int logIds;

  public MarzbanDb() {
    SCHEMA.forEach(
        (t, cols) -> {
          List<String> names = new ArrayList<>();
          for (String[] c : cols) {
            names.add(c[0]);
          }
          columns.put(t, names);
          rows.put(t, new ArrayList<>());
        });
    row("alembic_version", "version_num", "2b231de97dc3");
    row("system", "id", 1, "uplink", 0L, "downlink", 0L);
  }

  /** Adds a row to {@code table}: column name, value pairs; the others are NULL. */
  public MarzbanDb row(String table, Object... pairs) {
    List<String> cols = columns.get(table);
    Object[] values = new Object[cols.size()];
    if (table.equals("admins")) {
      values[cols.indexOf("users_usage")] = 0L; // NOT NULL with a default in Marzban's model
    }
    for (int i = 0; i < pairs.length; i += 2) {
      int at = cols.indexOf((String) pairs[i]);
      if (at < 0) {
        throw new IllegalArgumentException(table + " has no column " + pairs[i]);
      }
      values[at] = pairs[i + 1];
    }
    rows.get(table).add(values);
    return this;
  }

  /** A table that is not Marzban's (a fork's, say): the import must report it. */
  public MarzbanDb extraTable(String table, String... cols) {
    columns.put(table, Arrays.asList(cols));
    rows.put(table, new ArrayList<>());
    return this;
  }

  public MarzbanDb inbound(int id, String tag) {
    return row("inbounds", "id", id, "tag", tag);
  }

  public MarzbanDb secret(String secret) {
    return row("jwt", "id", 1, "secret_key", secret);
  }

  /** A proxy of {@code userId}; {@code type} as Marzban stores it (VMess, VLESS, Trojan, ...). */
  public int proxy(int userId, String type, String settingsJson, String... excludedTags) {
    int id = ++proxyIds;
    row("proxies", "id", id, "user_id", userId, "type", type, "settings", settingsJson);
    for (String tag : excludedTags) {
      row("exclude_inbounds_association", "proxy_id", id, "inbound_tag", tag);
    }
    return id;
  }

  public MarzbanDb usageReset(int userId, long bytes, Instant at) {
    return row(
        "user_usage_logs",
        "id",
        ++logIds,
        "user_id",
        userId,
        "used_traffic_at_reset",
        bytes,
        "reset_at",
        at);
  }

  /** Writes a SQLite database at {@code file} (created). */
  public void writeSqlite(Path file) throws IOException {
    Files.deleteIfExists(file);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        for (Map.Entry<String, List<String>> t : columns.entrySet()) {
          String[][] schema = SCHEMA.get(t.getKey());
          List<String> defs = new ArrayList<>();
          for (int i = 0; i < t.getValue().size(); i++) {
            defs.add(t.getValue().get(i) + " " + (schema == null ? "TEXT" : schema[i][1]));
          }
          st.execute("CREATE TABLE " + t.getKey() + " (" + String.join(", ", defs) + ")");
        }
        st.execute("CREATE UNIQUE INDEX ix_users_username ON users (username)");
        st.execute("CREATE UNIQUE INDEX ix_inbounds_tag ON inbounds (tag)");
      }
      for (Map.Entry<String, List<Object[]>> t : rows.entrySet()) {
        List<String> cols = columns.get(t.getKey());
        String sql =
            "INSERT INTO "
                + t.getKey()
                + " VALUES ("
                + String.join(", ", java.util.Collections.nCopies(cols.size(), "?"))
                + ")";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          for (Object[] r : t.getValue()) {
            for (int i = 0; i < r.length; i++) {
              ps.setObject(i + 1, r[i] instanceof Instant at ? SQLITE_TIME.format(at) : r[i]);
            }
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      c.commit();
    } catch (SQLException e) {
      throw new IOException(e);
    }
  }

  /** The same tables as a mysqldump would write them (backticks, multi-row INSERTs, escapes). */
  public String mysqldump() {
    StringBuilder sb = new StringBuilder();
    sb.append("-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)\n");
    sb.append("/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n");
    sb.append("/*!50503 SET NAMES utf8mb4 */;\n\n");
    for (Map.Entry<String, List<String>> t : columns.entrySet()) {
      String name = t.getKey();
      sb.append("DROP TABLE IF EXISTS `").append(name).append("`;\n");
      sb.append("CREATE TABLE `").append(name).append("` (\n");
      for (String col : t.getValue()) {
        sb.append("  `").append(col).append("` ").append(mysqlType(name, col)).append(",\n");
      }
      sb.append("  KEY `ix_")
          .append(name)
          .append("_x` (`")
          .append(t.getValue().get(0))
          .append("`)\n");
      sb.append(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci;\n");
      List<Object[]> data = rows.get(name);
      if (data.isEmpty()) {
        continue;
      }
      sb.append("LOCK TABLES `").append(name).append("` WRITE;\n");
      sb.append("INSERT INTO `").append(name).append("` VALUES ");
      for (int i = 0; i < data.size(); i++) {
        sb.append(i == 0 ? "(" : ",(");
        Object[] r = data.get(i);
        for (int j = 0; j < r.length; j++) {
          sb.append(j == 0 ? "" : ",").append(mysqlValue(r[j]));
        }
        sb.append(')');
      }
      sb.append(";\nUNLOCK TABLES;\n\n");
    }
    return sb.toString();
  }

  private static String mysqlType(String table, String col) {
    String[][] schema = SCHEMA.get(table);
    if (schema == null) {
      return "text";
    }
    for (String[] c : schema) {
      if (c[0].equals(col)) {
        String t = c[1].split(" ")[0];
        return switch (t) {
          case "DATETIME" -> "datetime DEFAULT NULL";
          case "BOOLEAN" -> "tinyint(1) DEFAULT NULL";
          case "JSON" -> "json NOT NULL";
          case "INTEGER" -> "int DEFAULT NULL";
          default -> t.toLowerCase(Locale.ROOT) + " DEFAULT NULL";
        };
      }
    }
    return "text";
  }

  private static String mysqlValue(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof Number n) {
      return n.toString();
    }
    if (v instanceof Boolean b) {
      return b ? "1" : "0";
    }
    String s = v instanceof Instant at ? MYSQL_TIME.format(at) : v.toString();
    StringBuilder sb = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\'' -> sb.append("\\'");
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\0' -> sb.append("\\0");
        default -> sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  /** {@code users} generated users, each with a VMess and a VLESS proxy, for the benchmark. */
  public static MarzbanDb generated(int users) {
    MarzbanDb db = new MarzbanDb();
    db.inbound(1, "VMess TCP").inbound(2, "VLESS TCP REALITY");
    db.secret("0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0");
    db.row("admins", "id", 1, "username", "admin", "hashed_password", "$2b$12$x", "is_sudo", 1);
    Instant created = Instant.parse("2024-01-15T08:30:00.123456Z");
    for (int i = 1; i <= users; i++) {
      String status = i % 10 == 0 ? "disabled" : i % 17 == 0 ? "on_hold" : "active";
      db.row(
          "users",
          "id",
          i,
          "username",
          String.format(Locale.ROOT, "user_%05d", i),
          "status",
          status,
          "used_traffic",
          (long) i * 1_048_576L,
          "data_limit",
          107_374_182_400L,
          "data_limit_reset_strategy",
          i % 3 == 0 ? "month" : "no_reset",
          "expire",
          1_900_000_000L + i,
          "admin_id",
          1,
          "created_at",
          created.plusSeconds(i),
          "note",
          "customer " + i,
          "on_hold_expire_duration",
          status.equals("on_hold") ? 2_592_000L : null);
      db.proxy(
          i,
          "VMess",
          "{\"id\": \""
              + UUID.nameUUIDFromBytes(
                  ("vmess" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))
              + "\"}");
      db.proxy(
          i,
          "VLESS",
          "{\"id\": \""
              + UUID.nameUUIDFromBytes(
                  ("vless" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8))
              + "\", \"flow\": \"\"}");
      if (i % 5 == 0) {
        db.usageReset(i, 5_368_709_120L, created.plusSeconds(86_400L * 30));
      }
    }
    return db;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: MarzbanDb FILE USERS");
      System.exit(2);
    }
    generated(Integer.parseInt(args[1])).writeSqlite(Path.of(args[0]));
  }
}
