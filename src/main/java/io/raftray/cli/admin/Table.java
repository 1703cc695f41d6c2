package io.raftray.cli.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table: columns padded to their widest cell and separated by two spaces, no trailing
 * blanks. Null cells print as {@code -}; line breaks inside cells are flattened so rows stay rows.
 */
final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    this(Arrays.asList(headers));
  }

  Table(List<String> headers) {
    if (headers.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.headers = List.copyOf(headers);
  }

  Table row(Object... cells) {
    return row(Arrays.asList(cells));
  }

  Table row(List<?> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.size() + " cells, table has " + headers.size() + " columns");
    }
    rows.add(cells.stream().map(Table::cell).toList());
    return this;
  }

  int size() {
    return rows.size();
  }

  void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    line(out, headers, widths);
    for (List<String> row : rows) {
      line(out, row, widths);
    }
    out.flush();
  }

  private static void line(PrintWriter out, List<String> cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      sb.append(cell);
      if (i < cells.size() - 1) {
        sb.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    out.println(sb.toString().stripTrailing());
  }

  private static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString().replaceAll("[\\r\\n\\t]+", " ");
    return s.isEmpty() ? "-" : s;
  }
}
