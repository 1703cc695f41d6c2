package io.raftray.migrate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One table of a source database as text: its column names and rows, every value a string or null
 * (SQL NULL). Both readers ({@link SqliteSource}, {@link MysqlDump}) produce this, so the mapping
 * ({@link MarzbanPlan}) reads one shape; a column the mapping does not know is simply never read.
 */
public final class Table {
  private final String name;
  private final List<String> columns;
  private final Map<String, Integer> index = new HashMap<>();
  private final List<List<String>> rows = new ArrayList<>();

  Table(String name, List<String> columns) {
    this.name = name;
    this.columns = List.copyOf(columns);
    for (int i = 0; i < this.columns.size(); i++) {
      index.put(this.columns.get(i).toLowerCase(java.util.Locale.ROOT), i);
    }
  }

  public String name() {
    return name;
  }

  public List<String> columns() {
    return columns;
  }

  void add(List<String> row) {
    if (row.size() != columns.size()) {
      throw new IllegalArgumentException(
          "table "
              + name
              + ": a row has "
              + row.size()
              + " values for "
              + columns.size()
              + " columns");
    }
    rows.add(Collections.unmodifiableList(new ArrayList<>(row)));
  }

  /** Every row, in source order. */
  public List<Row> rows() {
    List<Row> out = new ArrayList<>(rows.size());
    for (List<String> r : rows) {
      out.add(new Row(r));
    }
    return out;
  }

  public int size() {
    return rows.size();
  }

  /** One row; {@link #get} of a column the table does not have is null, like SQL NULL. */
  public final class Row {
    private final List<String> values;

    private Row(List<String> values) {
      this.values = values;
    }

    public String get(String column) {
      Integer i = index.get(column.toLowerCase(java.util.Locale.ROOT));
      return i == null ? null : values.get(i);
    }

    /** The column as a long; null for NULL, absent or empty. */
    public Long getLong(String column) {
      String v = get(column);
      if (v == null || v.isBlank()) {
        return null;
      }
      String t = v.strip();
      // MySQL and SQLite may hand a BIGINT back as "123.0" after arithmetic; keep the integer.
      return t.contains(".") ? (long) Double.parseDouble(t) : Long.parseLong(t);
    }

    public boolean getBool(String column) {
      String v = get(column);
      return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equals("\u0001"));
    }
  }
}
