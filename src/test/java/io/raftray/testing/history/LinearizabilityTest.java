package io.raftray.testing.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The generic search on a read/write register (Porcupine's introductory example). */
@Timeout(30)
class LinearizabilityTest {
  /** write(value) or read() -> value; {@code ret} is NEVER for an unknown outcome. */
  record RegOp(String name, boolean write, int value, long call, long ret) {}

  private static final Linearizability.Model<Integer, RegOp> REGISTER =
      new Linearizability.Model<>() {
        @Override
        public Integer init() {
          return 0;
        }

        @Override
        public @Nullable Integer step(Integer state, RegOp op) {
          if (op.write()) {
            return op.value();
          }
          return state == op.value() ? state : null;
        }
      };

  private static Linearizability.Result<RegOp> check(RegOp... ops) {
    return Linearizability.check(REGISTER, List.of(ops), RegOp::call, RegOp::ret, 100_000);
  }

  @Test
  void concurrentWrite_readsOldThenNew_isLinearizable() {
    var r =
        check(
            new RegOp("w100", true, 100, 0, 100),
            new RegOp("r100", false, 100, 25, 75),
            new RegOp("r0", false, 0, 30, 60));
    // r0 must come before w100 and r100 after it.
    assertThat(r.verdict()).isEqualTo(Linearizability.Verdict.LINEARIZABLE);
    assertThat(r.linearization()).extracting(RegOp::name).containsExactly("r0", "w100", "r100");
  }

  @Test
  void readOfTheOldValue_afterReadOfTheNew_isNot() {
    var r =
        check(
            new RegOp("w100", true, 100, 0, 100),
            new RegOp("r100", false, 100, 5, 35),
            new RegOp("r0", false, 0, 30, 60),
            new RegOp("r0b", false, 0, 40, 90));
    // r0b starts after r100 ended: it cannot see 0 again.
    assertThat(r.verdict()).isEqualTo(Linearizability.Verdict.NOT_LINEARIZABLE);
    assertThat(r.stuckAt()).isNotEmpty();
  }

  @Test
  void unknownWrite_mayTakeEffectLongAfterTheClientGaveUp_orNever() {
    long never = Linearizability.NEVER;
    assertThat(
            check(
                    new RegOp("w5?", true, 5, 0, never),
                    new RegOp("r0", false, 0, 10, 20),
                    new RegOp("r5", false, 5, 30, 40))
                .ok())
        .isTrue();
    assertThat(check(new RegOp("w5?", true, 5, 0, never), new RegOp("r0", false, 0, 30, 40)).ok())
        .isTrue();
    assertThat(
            check(
                    new RegOp("w5?", true, 5, 50, never),
                    new RegOp("r5", false, 5, 10, 20)) // before the write was even sent
                .ok())
        .isFalse();
  }

  @Test
  void budget_exhausted_isReportedAsUnknown_notAsAVerdict() {
    RegOp[] ops = new RegOp[14];
    for (int i = 0; i < 13; i++) {
      ops[i] = new RegOp("w" + i, true, i + 1, 0, 1000);
    }
    ops[13] = new RegOp("r", false, 99, 0, 1000); // no write of 99: every order fails
    var r = Linearizability.check(REGISTER, List.of(ops), RegOp::call, RegOp::ret, 50);
    assertThat(r.verdict()).isEqualTo(Linearizability.Verdict.UNKNOWN);
  }
}
