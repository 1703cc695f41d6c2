package io.raftray.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TableTest {

  private static String render(Table table) {
    StringWriter out = new StringWriter();
    table.print(new PrintWriter(out));
    return out.toString().replace(System.lineSeparator(), "\n");
  }

  @Test
  void print_rows_alignsColumnsWithoutTrailingBlanks() {
    Table table = new Table("ID", "NAME", "STATUS").row("u1", "alice", "active");
    table.row("user-0002", "bob", "on_hold");

    assertThat(render(table))
        .isEqualTo(
            """
            ID         NAME   STATUS
            u1         alice  active
            user-0002  bob    on_hold
            """);
  }

  @Test
  void print_nullOrEmptyOrMultilineCells_areReadable() {
    Table table = new Table("A", "B", "C").row(null, "", "two\nlines");

    assertThat(render(table)).isEqualTo("A  B  C\n-  -  two lines\n");
  }

  @Test
  void print_noRows_printsHeaderOnly() {
    assertThat(render(new Table("ID", "NAME"))).isEqualTo("ID  NAME\n");
  }

  @Test
  void row_wrongCellCount_throws() {
    assertThatThrownBy(() -> new Table("A", "B").row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row has 1 cells, table has 2 columns");
  }
}
