package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The destroy-event hand-over: every event intact and in order, memory only for the backlog. */
class CloseEventRingTest {
  private final SocketRow row = new SocketRow();

  /** The n-th event: its number in the RTT and the remote port, so a reader can check both. */
  private SocketRow event(long n) {
    row.family = SocketRow.AF_INET;
    row.remoteHi = 0;
    row.remoteLo = 0x0A000001L;
    row.localPort = 40000;
    row.remotePort = (int) (n % 65536);
    row.rttMicros = n;
    row.totalRetrans = n * 3;
    row.segsIn = 1;
    return row;
  }

  private static void assertEvent(CloseEventRing ring, int index, long n) {
    assertThat(ring.rttMicros(index)).isEqualTo(n);
    assertThat(ring.retransmits(index)).isEqualTo(n * 3);
    assertThat(ring.remotePort(index)).isEqualTo((int) (n % 65536));
    assertThat(ring.localPort(index)).isEqualTo(40000);
    assertThat(ring.family(index)).isEqualTo(SocketRow.AF_INET);
    assertThat(ring.receivedAny(index)).isTrue();
  }

  @Test
  void eventsCrossSegmentsAndLapsInOrder() {
    var ring = new CloseEventRing(4 * CloseEventRing.SEGMENT_EVENTS);
    long next = 0;
    long read = 0;
    for (int round = 0; round < 20; round++) { // 20 x 700 events: several laps of 2,048
      for (int i = 0; i < 700; i++) {
        assertThat(ring.offer(event(next++))).isTrue();
      }
      int n = ring.available();
      assertThat(n).isEqualTo(700);
      for (int i = 0; i < n; i++) {
        assertEvent(ring, i, read + i);
      }
      ring.release(n);
      read += n;
    }
    assertThat(ring.dropped()).isZero();
  }

  @Test
  void anIdleRingHoldsOneSegmentNotItsCapacity() {
    var ring = new CloseEventRing(NetlinkDestroyEvents.RING_CAPACITY);
    assertThat(ring.segmentsInUse()).isZero();
    for (int i = 0; i < 5_000; i++) {
      ring.offer(event(i));
    }
    assertThat(ring.segmentsInUse()).isEqualTo((5_000 + CloseEventRing.SEGMENT_EVENTS - 1) / CloseEventRing.SEGMENT_EVENTS);
    ring.release(ring.available());
    assertThat(ring.segmentsInUse()).isLessThanOrEqualTo(1); // the one the producer is inside
    ring.offer(event(5_000));
    assertThat(ring.available()).isEqualTo(1);
    assertEvent(ring, 0, 5_000);
  }

  @Test
  void aFullRingDropsAndCountsButNeverOverwrites() {
    int capacity = 4 * CloseEventRing.SEGMENT_EVENTS;
    var ring = new CloseEventRing(capacity);
    int accepted = 0;
    for (int i = 0; i < capacity + 100; i++) {
      accepted += ring.offer(event(i)) ? 1 : 0;
    }
    assertThat(accepted).isEqualTo(capacity); // from an empty ring, every slot
    assertThat(ring.dropped()).isEqualTo(100);
    // Half a segment read: the producer may not reuse that segment until all of it is read.
    ring.release(CloseEventRing.SEGMENT_EVENTS / 2);
    assertThat(ring.offer(event(-1))).isFalse();
    ring.release(CloseEventRing.SEGMENT_EVENTS / 2);
    for (int i = 0; i < CloseEventRing.SEGMENT_EVENTS; i++) {
      assertThat(ring.offer(event(capacity + i))).isTrue();
    }
    assertThat(ring.offer(event(-1))).isFalse();
    for (int i = 0; i < ring.available(); i++) {
      assertEvent(ring, i, CloseEventRing.SEGMENT_EVENTS + i);
    }
  }

  @Test
  void aSmallRingIsOneSegmentAndUsesEverySlot() {
    var ring = new CloseEventRing(8);
    for (int lap = 0; lap < 5; lap++) {
      ring.release(3);
      int accepted = 0;
      while (ring.offer(event(accepted))) {
        accepted++;
      }
      assertThat(ring.available()).isEqualTo(8);
    }
  }

  @Test
  void aConcurrentProducerAndConsumerLoseNothingButDrops() throws InterruptedException {
    var ring = new CloseEventRing(2 * CloseEventRing.SEGMENT_EVENTS);
    long total = 2_000_000;
    var producer =
        Thread.ofPlatform()
            .start(
                () -> {
                  var r = new SocketRow();
                  for (long n = 0; n < total; n++) {
                    r.family = SocketRow.AF_INET;
                    r.rttMicros = n;
                    r.totalRetrans = n * 3;
                    ring.offer(r);
                  }
                });
    var random = new SplittableRandom(7);
    long last = -1;
    long received = 0;
    while (producer.isAlive() || ring.available() > 0) {
      int n = ring.available();
      int take = n == 0 ? 0 : 1 + random.nextInt(n);
      for (int i = 0; i < take; i++) {
        long v = ring.rttMicros(i);
        assertThat(v).isGreaterThan(last); // in order, never a stale or torn slot
        assertThat(ring.retransmits(i)).isEqualTo(v * 3);
        last = v;
      }
      ring.release(take);
      received += take;
    }
    producer.join();
    assertThat(received + ring.dropped()).isEqualTo(total);
    assertThat(received).isPositive();
  }
}
