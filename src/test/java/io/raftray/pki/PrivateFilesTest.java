package io.raftray.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void replaceSecret_streamedContent_replacesTheFile_0600() throws Exception {
    Path file = dir.resolve("secret.backup");
    Files.writeString(file, "the old content, longer than the new one");
    PrivateFiles.replaceSecret(
        file,
        out -> {
          for (int i = 0; i < 3; i++) {
            out.write(("part " + i + "\n").getBytes(StandardCharsets.US_ASCII));
          }
        },
        "backup file");
    assertThat(Files.readString(file)).isEqualTo("part 0\npart 1\npart 2\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(names()).containsExactly("secret.backup");
  }

  @Test
  void replaceSecret_contentThatFailsMidway_keepsTheOldFile_andNoTemporaryFile() throws Exception {
    Path file = dir.resolve("secret.backup");
    Files.writeString(file, "the old content");
    assertThatThrownBy(
            () ->
                PrivateFiles.replaceSecret(
                    file,
                    out -> {
                      out.write(new byte[100_000]);
                      throw new IOException("encoding stopped");
                    },
                    "backup file"))
        .isInstanceOf(PkiException.class)
        .hasMessageContaining("cannot write backup file")
        .hasRootCauseMessage("encoding stopped");
    assertThat(Files.readString(file)).isEqualTo("the old content");
    assertThat(names()).containsExactly("secret.backup");
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }
}
