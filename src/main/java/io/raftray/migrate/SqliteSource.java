package io.raftray.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads every table of a SQLite database file (Marzban's {@code db.sqlite3}), read-only. */
public final class SqliteSource {
  private SqliteSource() {}

  /** Table name (lower case) to table; SQLite's own tables left out. */
  public static Map<String, Table> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + " is not a file");
    }
    String url = "jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro";
    Map<String, Table> out = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(url);
        Statement st = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                  + " ORDER BY name")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String name : names) {
        out.put(name.toLowerCase(java.util.Locale.ROOT), table(st, name));
      }
    } catch (SQLException e) {
      throw new IOException("cannot read " + file + " as SQLite: " + e.getMessage(), e);
    }
    return out;
  }

  private static Table table(Statement st, String name) throws SQLException {
    try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + name.replace("\"", "\"\"") + "\"")) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> columns = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        columns.add(md.getColumnName(i));
      }
      Table t = new Table(name, columns);
      List<String> row = new ArrayList<>(columns.size());
      while (rs.next()) {
        row.clear();
        for (int i = 1; i <= columns.size(); i++) {
          row.add(rs.getString(i));
        }
        t.add(row);
      }
      return t;
    }
  }
}
