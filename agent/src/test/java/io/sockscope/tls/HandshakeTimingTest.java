package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake time is ClientHello to Finished: a server's delay shows there, once, and not in
 * connect. Relations only: a loaded machine once stretched a 5 ms tolerance to 6.75 ms (issue 13),
 * so nothing here depends on how quiet the machine is.
 */
class HandshakeTimingTest {
  static final Duration DELAY = Duration.ofMillis(200);

  @Test
  void serverDelayAppearsInHandshakeTimeOnly(@TempDir Path dir) throws Exception {
    var root = TestCa.root("Timing Root");
    var leaf = TestCa.leaf(root, days(-1), days(30), "app.test");
    try (var prober =
            new TlsProber(TrustAnchors.load(List.of(root.pem(dir, "r")), null), Clock.systemUTC());
        var fast = TestTlsServer.serving(leaf).start();
        var slow = TestTlsServer.serving(leaf).delay(DELAY).start()) {
      for (int i = 0; i < 100; i++) {
        probe(prober, fast); // warm up JIT and the JDK's TLS classes
      }
      // Paired: each delayed probe against the mean of the undelayed probes just before and after
      // it, so CPU contention on a shared machine shifts both sides alike; the median pair wins.
      List<Duration> extra = new ArrayList<>();
      List<Duration> baselines = new ArrayList<>();
      List<ProbeResult> delayed = new ArrayList<>();
      for (int i = 0; i < 15; i++) {
        Duration before = probe(prober, fast).handshakeDuration();
        ProbeResult d = probe(prober, slow);
        Duration after = probe(prober, fast).handshakeDuration();
        Duration base = before.plus(after).dividedBy(2);
        delayed.add(d);
        baselines.add(base);
        extra.add(d.handshakeDuration().minus(base));
      }
      Duration measured = median(extra);
      Duration connect = median(delayed.stream().map(ProbeResult::connectDuration).toList());
      assertThat(delayed).allMatch(ProbeResult::success);
      // the server sleeps DELAY before answering: no delayed handshake can be shorter (a lower
      // bound, which load cannot break)
      assertThat(delayed)
          .allSatisfy(d -> assertThat(d.handshakeDuration()).isGreaterThanOrEqualTo(DELAY));
      // counted once: what the delay adds over the paired baseline is DELAY, not two of it
      assertThat(measured)
          .as("handshake minus baseline %s (baselines %s)", measured, baselines)
          .isLessThan(DELAY.multipliedBy(3).dividedBy(2));
      // and not in connect: the TCP connect is done before the server's TLS code runs
      assertThat(connect).as("connect").isLessThan(DELAY.dividedBy(4));
    }
  }

  private static ProbeResult probe(TlsProber p, TestTlsServer s) {
    return p.probe(
        ProbeTarget.of("127.0.0.1", s.port(), "app.test", ProbeSource.STATIC), Duration.ofSeconds(2));
  }

  private static Duration median(List<Duration> d) {
    return d.stream().sorted().toList().get(d.size() / 2);
  }
}
