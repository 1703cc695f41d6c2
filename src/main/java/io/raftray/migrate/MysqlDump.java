package io.raftray.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the tables of a {@code mysqldump} file (MySQL or MariaDB) without a database server: the
 * columns from each {@code CREATE TABLE}, the rows from each {@code INSERT INTO ... VALUES
 * (...),(...)} (also {@code INSERT IGNORE} and {@code REPLACE}, with or without a column list).
 * Values: {@code NULL}, numbers and other bare words as text, quoted strings with MySQL's escapes
 * ({@code \0 \' \" \b \n \r \t \Z \\ \% \_} and a doubled quote), charset introducers such as
 * {@code _binary '...'}, and hex literals {@code 0x...} (as UTF-8 text). Comments ({@code --},
 * {@code #}, {@code /* *}{@code /}, also MySQL's {@code /*!...*}{@code /}) and every other
 * statement are skipped.
 */
public final class MysqlDump {
  private final String text;
  private int pos;
  private final Map<String, Table> tables = new LinkedHashMap<>();

  private MysqlDump(String text) {
    this.text = text;
  }

  /** Table name (lower case) to table. */
  public static Map<String, Table> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  /** As {@link #read}, from the dump's text. */
  public static Map<String, Table> parse(String text) throws IOException {
    MysqlDump d = new MysqlDump(text);
    try {
      d.statements();
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new IOException(
          "not a readable mysqldump file near line " + d.line() + ": " + e.getMessage(), e);
    }
    return d.tables;
  }

  private int line() {
    int n = 1;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  private void statements() {
    while (true) {
      skipSpaceAndComments();
      if (pos >= text.length()) {
        return;
      }
      if (text.charAt(pos) == ';') {
        pos++; // the end of a skipped conditional comment such as /*!40101 SET ... */;
        continue;
      }
      if (peekWord("CREATE")) {
        int start = pos;
        word();
        skipSpaceAndComments();
        if (peekWord("TABLE")) {
          createTable();
          continue;
        }
        pos = start;
      } else if (peekWord("INSERT") || peekWord("REPLACE")) {
        insert();
        continue;
      }
      skipStatement();
    }
  }

  private void createTable() {
    word(); // TABLE
    skipSpaceAndComments();
    if (peekWord("IF")) {
      word(); // IF NOT EXISTS
      skipSpaceAndComments();
      word();
      skipSpaceAndComments();
      word();
      skipSpaceAndComments();
    }
    String name = tableName();
    skipSpaceAndComments();
    expect('(');
    List<String> columns = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      char c = text.charAt(pos);
      if (c == '`' || c == '"') {
        columns.add(identifier());
      }
      // The rest of the definition, up to the comma or parenthesis that ends it.
      int depth = 0;
      while (true) {
        char d = text.charAt(pos);
        if (d == '\'' || d == '"' || d == '`') {
          quoted(d);
          continue;
        }
        if (d == '(') {
          depth++;
        } else if (d == ')') {
          if (depth == 0) {
            break;
          }
          depth--;
        } else if (d == ',' && depth == 0) {
          break;
        }
        pos++;
      }
      if (text.charAt(pos++) == ')') {
        break;
      }
    }
    skipStatement();
    tables.put(name.toLowerCase(Locale.ROOT), new Table(name, columns));
  }

  private void insert() {
    word(); // INSERT or REPLACE
    skipSpaceAndComments();
    while (peekWord("IGNORE") || peekWord("LOW_PRIORITY") || peekWord("DELAYED")) {
      word();
      skipSpaceAndComments();
    }
    if (peekWord("INTO")) {
      word();
      skipSpaceAndComments();
    }
    String name = tableName();
    skipSpaceAndComments();
    Table table = tables.get(name.toLowerCase(Locale.ROOT));
    if (text.charAt(pos) == '(') {
      pos++;
      List<String> columns = new ArrayList<>();
      while (true) {
        skipSpaceAndComments();
        columns.add(identifier());
        skipSpaceAndComments();
        if (text.charAt(pos++) == ')') {
          break;
        }
      }
      skipSpaceAndComments();
      if (table == null || !table.columns().equals(columns)) {
        Table named = new Table(name, columns);
        if (table != null) {
          // Rows so far keep their columns: re-add them under the new order by name.
          for (Table.Row r : table.rows()) {
            List<String> values = new ArrayList<>();
            for (String col : columns) {
              values.add(r.get(col));
            }
            named.add(values);
          }
        }
        table = named;
        tables.put(name.toLowerCase(Locale.ROOT), table);
      }
    }
    if (table == null) {
      throw new IllegalArgumentException(
          "INSERT INTO " + name + " without a column list and without its CREATE TABLE");
    }
    if (!peekWord("VALUES") && !peekWord("VALUE")) {
      skipStatement();
      return;
    }
    word();
    List<String> row = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      expect('(');
      row.clear();
      while (true) {
        skipSpaceAndComments();
        row.add(value());
        skipSpaceAndComments();
        char c = text.charAt(pos++);
        if (c == ')') {
          break;
        }
        if (c != ',') {
          throw new IllegalArgumentException("expected , or ) in a VALUES row, found '" + c + "'");
        }
      }
      table.add(row);
      skipSpaceAndComments();
      if (pos >= text.length()) {
        return;
      }
      char c = text.charAt(pos);
      if (c == ',') {
        pos++;
        continue;
      }
      skipStatement(); // ; or ON DUPLICATE KEY UPDATE ...;
      return;
    }
  }

  /** One value of a VALUES row, unescaped; null for NULL. */
  private String value() {
    char c = text.charAt(pos);
    if (c == '\'' || c == '"') {
      return quoted(c);
    }
    if (c == '_') {
      // A charset introducer: _binary '...', _utf8mb4'...'.
      int start = pos;
      while (pos < text.length()
          && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
        pos++;
      }
      skipSpaceAndComments();
      if (pos < text.length() && (text.charAt(pos) == '\'' || text.charAt(pos) == '"')) {
        return quoted(text.charAt(pos));
      }
      pos = start;
    }
    int start = pos;
    while (pos < text.length()) {
      char d = text.charAt(pos);
      if (d == ',' || d == ')' || Character.isWhitespace(d)) {
        break;
      }
      pos++;
    }
    String bare = text.substring(start, pos);
    if (bare.isEmpty()) {
      throw new IllegalArgumentException("empty value");
    }
    if (bare.equalsIgnoreCase("NULL")) {
      return null;
    }
    if (bare.length() > 2 && (bare.startsWith("0x") || bare.startsWith("0X"))) {
      return new String(HexFormat.of().parseHex(bare.substring(2)), StandardCharsets.UTF_8);
    }
    return bare;
  }

  /** The string quoted by {@code q} at {@code pos}, MySQL escapes resolved; pos after it. */
  private String quoted(char q) {
    pos++;
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = text.charAt(pos++);
      if (c == '\\' && q != '`') {
        char e = text.charAt(pos++);
        if (e == '%' || e == '_') {
          sb.append('\\'); // MySQL keeps the backslash of \% and \_
        }
        sb.append(
            switch (e) {
              case '0' -> '\0';
              case 'b' -> '\b';
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'Z' -> (char) 26;
              default -> e; // \' \" \\ \% \_ and any other character stand for themselves
            });
      } else if (c == q) {
        if (pos < text.length() && text.charAt(pos) == q) {
          sb.append(q); // a doubled quote
          pos++;
        } else {
          return sb.toString();
        }
      } else {
        sb.append(c);
      }
    }
  }

  private String identifier() {
    char c = text.charAt(pos);
    if (c == '`' || c == '"') {
      return quoted(c);
    }
    return word();
  }

  /** {@code `name`} or {@code `db`.`name`}: the table's own name. */
  private String tableName() {
    String name = identifier();
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      name = identifier();
    }
    return name;
  }

  private String word() {
    int start = pos;
    while (pos < text.length()
        && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
      pos++;
    }
    if (start == pos) {
      throw new IllegalArgumentException("expected a word, found '" + text.charAt(pos) + "'");
    }
    return text.substring(start, pos);
  }

  private boolean peekWord(String w) {
    int end = pos + w.length();
    return end <= text.length()
        && text.regionMatches(true, pos, w, 0, w.length())
        && (end == text.length()
            || !(Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_'));
  }

  private void expect(char c) {
    if (text.charAt(pos) != c) {
      throw new IllegalArgumentException("expected '" + c + "', found '" + text.charAt(pos) + "'");
    }
    pos++;
  }

  /** To just after the next {@code ;} outside quotes and comments. */
  private void skipStatement() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\'' || c == '"' || c == '`') {
        quoted(c);
      } else if (c == ';') {
        pos++;
        return;
      } else if (startsComment()) {
        skipSpaceAndComments();
      } else {
        pos++;
      }
    }
  }

  private boolean startsComment() {
    boolean dashes =
        text.startsWith("--", pos)
            && (pos + 2 >= text.length() || Character.isWhitespace(text.charAt(pos + 2)));
    return dashes || text.charAt(pos) == '#' || text.startsWith("/*", pos);
  }

  private void skipSpaceAndComments() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (Character.isWhitespace(c)) {
        pos++;
      } else if (text.startsWith("/*", pos)) {
        int end = text.indexOf("*/", pos + 2);
        pos = end < 0 ? text.length() : end + 2;
      } else if (startsComment()) {
        int end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length() : end + 1;
      } else {
        return;
      }
    }
  }
}
