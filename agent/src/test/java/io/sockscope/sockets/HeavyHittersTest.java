package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded per-destination structures: space-saving, the sticky top-K series, apportioning. */
class HeavyHittersTest {
  @Test
  void spaceSavingIsExactWithinItsCapacity() {
    SpaceSaving<Integer> s = new SpaceSaving<>(8, 1);
    for (int k = 0; k < 8; k++) {
      for (int i = 0; i <= k; i++) {
        s.offer(k, 1).detail()[0]++;
      }
    }
    assertThat(s.replaced()).isZero();
    List<SpaceSaving.Entry<Integer>> top = s.sorted(Comparator.naturalOrder());
    assertThat(top.getFirst().key()).isEqualTo(7);
    assertThat(top.getFirst().weight()).isEqualTo(8);
    assertThat(top.getFirst().error()).isZero();
    assertThat(top.getLast().detail()[0]).isEqualTo(1);
  }

  @Test
  void spaceSavingKeepsHeavyHittersAmongManyKeysInBoundedSpace() {
    SpaceSaving<Integer> s = new SpaceSaving<>(256, 1);
    long n = 0;
    // 100,000 distinct light keys and three heavy ones (1,000, 2,000, 3,031 times): each heavier
    // than n / capacity (~415), so each is kept
    for (int i = 0; i < 100_000; i++) {
      s.offer(1_000_000 + i, 1).detail()[0]++;
      n++;
      for (int h = 1; h <= 3; h++) {
        if (i % (100 / h) == 0) {
          s.offer(h, 1).detail()[0]++;
          n++;
        }
      }
    }
    assertThat(s.size()).isEqualTo(256);
    List<SpaceSaving.Entry<Integer>> top = s.sorted(Comparator.naturalOrder());
    assertThat(top.subList(0, 3)).extracting(SpaceSaving.Entry::key).containsExactly(3, 2, 1);
    for (SpaceSaving.Entry<Integer> e : top.subList(0, 3)) {
      long truth = (100_000 + 100 / e.key() - 1) / (100 / e.key()); // 1,000, 2,000 and 3,031
      // true weight within [weight - error, weight], error at most n / capacity
      assertThat(e.weight() - e.error()).isLessThanOrEqualTo(truth);
      assertThat(e.weight()).isGreaterThanOrEqualTo(truth);
      assertThat(e.error()).isLessThanOrEqualTo((double) n / 256);
      assertThat(e.detail()[0]).as("detail counts since admission: a lower bound").isLessThanOrEqualTo(truth)
          .isEqualTo((long) (e.weight() - e.error()));
    }
  }

  @Test
  void destinationSeriesAreStickyAndOtherTakesTheRest() {
    DestinationCloses d = new DestinationCloses(2);
    Destination a = new Destination(SocketRow.AF_INET, 0, 1, 80);
    Destination b = new Destination(SocketRow.AF_INET, 0, 2, 80);
    Destination c = new Destination(SocketRow.AF_INET, 0, 3, 80);
    d.close(a, CloseInitiator.LOCAL, 1);
    d.close(b, CloseInitiator.LOCAL, 1);
    d.close(c, CloseInitiator.PEER, 50);
    var snap = d.snapshot(PeerNamer.IP);
    assertThat(snap).extracting(SocketSnapshot.PeerCloses::peer).containsExactly("0.0.0.1", "0.0.0.2", "other");
    assertThat(snap.getLast().closes(CloseInitiator.PEER)).isEqualTo(50);
    d.endInterval(10);
    assertThat(d.cutLastInterval()).isEqualTo(1);
    // c outweighs twice the lightest slot (a): it has its own series from now on; a's ends
    d.close(c, CloseInitiator.PEER, 5);
    snap = d.snapshot(PeerNamer.IP);
    assertThat(snap).extracting(SocketSnapshot.PeerCloses::peer).containsExactly("0.0.0.2", "0.0.0.3", "other");
    assertThat(snap.get(1).closes(CloseInitiator.PEER)).isEqualTo(5);
    long peer = snap.stream().mapToLong(p -> p.closes(CloseInitiator.PEER)).sum();
    assertThat(peer).as("counted where it happened, nothing twice").isEqualTo(55);
    d.endInterval(20);
    assertThat(d.cutLastInterval()).isZero();
  }

  @Test
  void apportionSplitsExactlyWithinEachPart() {
    assertThat(Apportion.split(6, new long[] {6, 3, 0})).containsExactly(4, 2, 0);
    assertThat(Apportion.split(1, new long[] {1, 1, 1})).containsExactly(1, 0, 0);
    assertThat(Apportion.split(10, new long[] {2, 3})).containsExactly(2, 3);
    assertThat(Apportion.split(0, new long[] {2, 3})).containsExactly(0, 0);
    long[] w = new long[1000];
    java.util.Arrays.fill(w, 1);
    assertThat(java.util.Arrays.stream(Apportion.split(333, w)).sum()).isEqualTo(333);
  }
}
