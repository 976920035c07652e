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

/** The handshake time is ClientHello to Finished: a server's delay shows there, not in connect. */
class HandshakeTimingTest {
  static final Duration DELAY = Duration.ofMillis(200);

  @Test
  void serverDelayAppearsInHandshakeTimeOnly(@TempDir Path dir) throws Exception {
    var root = TestCa.root("Timing Root");
    var leaf = TestCa.leaf(root, days(-1), days(30), "app.test");
    try (var prober = new TlsProber(TrustAnchors.load(List.of(root.pem(dir, "r")), null), Clock.systemUTC());
        var fast = TestTlsServer.serving(leaf).start();
        var slow = TestTlsServer.serving(leaf).delay(DELAY).start()) {
      for (int i = 0; i < 30; i++) {
        probe(prober, fast); // warm up JIT and the JDK's TLS classes
      }
      List<ProbeResult> baseline = new ArrayList<>();
      List<ProbeResult> delayed = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        baseline.add(probe(prober, fast));
        delayed.add(probe(prober, slow));
        baseline.add(probe(prober, fast));
      }
      Duration base = median(baseline.stream().map(ProbeResult::handshakeDuration).toList());
      Duration measured = median(delayed.stream().map(ProbeResult::handshakeDuration).toList());
      Duration connect = median(delayed.stream().map(ProbeResult::connectDuration).toList());
      assertThat(delayed).allMatch(ProbeResult::success);
      assertThat(measured.minus(DELAY).minus(base).abs())
          .as("handshake %s, baseline %s", measured, base)
          .isLessThanOrEqualTo(Duration.ofMillis(5));
      assertThat(connect).as("connect").isLessThan(Duration.ofMillis(20));
    }
  }

  private static ProbeResult probe(TlsProber p, TestTlsServer s) {
    return p.probe(ProbeTarget.of("127.0.0.1", s.port(), "app.test", "static"), Duration.ofSeconds(2));
  }

  private static Duration median(List<Duration> d) {
    return d.stream().sorted().toList().get(d.size() / 2);
  }
}
