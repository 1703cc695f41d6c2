package io.raftray.state;

import static io.raftray.state.Fixtures.T0;
import static io.raftray.state.Fixtures.bootstrap;
import static io.raftray.state.Fixtures.env;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class BackupFileTest {
  private static final char[] PASS = "correct horse battery staple".toCharArray();
  private State state;
  private byte[] plain;

  @BeforeEach
  void aBootstrappedStateWithAUser() throws Exception {
    State s = Store.apply(State.empty(), env(bootstrap(), T0), 1).state();
    s =
        Store.apply(s, env(new Command.CreateUser(Fixtures.user("usr_1", "alice", 0)), T0), 2)
            .state();
    state = s;
    plain = SnapshotCodec.encode(s);
  }

  @Test
  void aPlainBackup_readsBackTheSameState() throws Exception {
    State read = BackupFile.read(plain, null);
    assertThat(SnapshotCodec.digest(read)).isEqualTo(SnapshotCodec.digest(state));
    assertThat(BackupFile.encrypted(plain)).isFalse();
  }

  @Test
  void anEncryptedBackup_needsItsPassphrase_andHidesTheContent() throws Exception {
    byte[] enc = BackupFile.encrypt(plain, PASS);
    assertThat(BackupFile.encrypted(enc)).isTrue();
    assertThat(new String(enc, StandardCharsets.ISO_8859_1)).doesNotContain("alice");
    State read = BackupFile.read(enc, PASS.clone());
    assertThat(SnapshotCodec.digest(read)).isEqualTo(SnapshotCodec.digest(state));
    assertThatThrownBy(() -> BackupFile.read(enc, "wrong".toCharArray()))
        .isInstanceOf(BackupFile.Unreadable.class)
        .hasMessage("wrong passphrase, or the backup is damaged");
    assertThatThrownBy(() -> BackupFile.read(enc, null))
        .hasMessageContaining("the backup is encrypted");
    byte[] flipped = enc.clone();
    flipped[flipped.length - 20] ^= 1;
    assertThatThrownBy(() -> BackupFile.read(flipped, PASS.clone()))
        .hasMessage("wrong passphrase, or the backup is damaged");
  }

  @Test
  void anEncryptingStream_writesWhatItIsGivenInPieces_asAnEncryptedBackup_andLeavesItsSinkOpen()
      throws Exception {
    boolean[] sinkClosed = {false};
    ByteArrayOutputStream sink =
        new ByteArrayOutputStream() {
          @Override
          public void close() {
            sinkClosed[0] = true;
          }
        };
    try (OutputStream in = BackupFile.encrypting(sink, PASS)) {
      int at = 0;
      for (int piece : new int[] {1, 7, 100, plain.length}) {
        int n = Math.min(piece, plain.length - at);
        in.write(plain, at, n);
        at += n;
      }
      assertThat(at).isEqualTo(plain.length);
    }
    assertThat(sinkClosed[0]).isFalse();
    byte[] enc = sink.toByteArray();
    assertThat(BackupFile.encrypted(enc)).isTrue();
    // the header, the ciphertext (as long as the plaintext) and GCM's 16-byte tag
    assertThat(enc.length - (new String(enc, StandardCharsets.ISO_8859_1).indexOf('\n') + 1))
        .isEqualTo(plain.length + 16);
    State read = BackupFile.read(enc, PASS.clone());
    assertThat(SnapshotCodec.digest(read)).isEqualTo(SnapshotCodec.digest(state));
    byte[] cut = Arrays.copyOf(enc, enc.length - 1);
    assertThatThrownBy(() -> BackupFile.read(cut, PASS.clone()))
        .hasMessage("wrong passphrase, or the backup is damaged");
  }

  @Test
  void damagedOrForeignFiles_areRefusedWithAClearReason() {
    byte[] truncated = Arrays.copyOf(plain, plain.length / 2);
    assertThatThrownBy(() -> BackupFile.read(truncated, null))
        .hasMessageStartingWith("the backup is damaged or truncated");
    byte[] headerOnly = Arrays.copyOf(plain, 20);
    assertThatThrownBy(() -> BackupFile.read(headerOnly, null))
        .hasMessageStartingWith("not a raftray backup");
    assertThatThrownBy(() -> BackupFile.read("hello\n".getBytes(StandardCharsets.US_ASCII), null))
        .hasMessage("not a raftray backup (unknown header)");
    assertThatThrownBy(() -> BackupFile.read(new byte[0], PASS))
        .hasMessage("not a raftray backup (unknown header)");
  }

  @Test
  void passphraseFile_firstLineWithoutItsEnd_emptyRefused(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("pass");
    Files.writeString(f, "s3cret\r\nignored");
    assertThat(new String(BackupFile.passphrase(f))).isEqualTo("s3cret");
    Files.writeString(f, "\n");
    assertThatThrownBy(() -> BackupFile.passphrase(f)).hasMessageContaining("is empty");
  }
}
