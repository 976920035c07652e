package io.sockscope.metrics;

import io.sockscope.tls.ProbeSource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockscope.tls.ProbeScheduler;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.TlsFixtures;
import io.sockscope.tls.TlsProber;
import io.sockscope.tls.TrustAnchors;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a sidecar talking to 600 HTTPS peers probed 256 of them under a cap no doc named, and
 * one certificate with 400 SANs made a 25,864-byte {@code tls_cert_info} line. Both caps are now
 * settings, and {@code sockscope_series_cut} says what they cut. Real probes: refused loopback
 * ports for the peers, a real TLS server for the SANs.
 */
class TlsCapsTest {
  static String scrape(MetricsRegistry r) {
    return new String(r.scrape(null).body(), StandardCharsets.UTF_8);
  }

  static long lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void targetsBeyondTheCapAreCutAndCounted() throws Exception {
    try (var registry = new MetricsRegistry(BuildInfo.load());
        var prober = new TlsProber(TrustAnchors.load(List.of(), null), Clock.systemUTC());
        var sched =
            new ProbeScheduler(
                prober::probe, Duration.ofSeconds(60), Duration.ofSeconds(2), 32,
                Clock.systemUTC(), 256)) {
      TlsMetrics.bind(sched, registry, 1024);
      List<ProbeTarget> peers = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        // 127.0.x.y:443: loopback, nothing listens, refused at once
        peers.add(ProbeTarget.of("127.0." + (10 + i / 250) + "." + (1 + i % 250), 443, null, ProbeSource.PEER));
      }
      sched.setTargets(ProbeSource.PEER, peers);
      await().atMost(Duration.ofSeconds(30)).until(() -> sched.states().size() == 256);
      String text = scrape(registry);
      assertThat(lines(text, "sockscope_tls_probe_success{")).isEqualTo(256);
      assertThat(text)
          .contains("sockscope_series_cut{family=\"sockscope_tls_probe_success\"} 344.0")
          .contains("sockscope_series_cut{family=\"sockscope_tls_handshake_duration_seconds\"} 344.0")
          .contains("sockscope_discovery_targets{source=\"peer\"} 600.0");
      // fewer peers: nothing cut any more
      sched.setTargets(ProbeSource.PEER, peers.subList(0, 100));
      assertThat(scrape(registry))
          .contains("sockscope_series_cut{family=\"sockscope_tls_probe_success\"} 0.0");
    }
  }

  @Test
  void fourHundredSansAreShortenedWithAMarker() throws Exception {
    try (var server = TlsFixtures.withDnsNames(400);
        var registry = new MetricsRegistry(BuildInfo.load());
        var prober = new TlsProber(TrustAnchors.load(List.of(), null), Clock.systemUTC());
        var sched =
            new ProbeScheduler(
                prober::probe, Duration.ofSeconds(60), Duration.ofSeconds(5), 4,
                Clock.systemUTC(), 10)) {
      TlsMetrics.bind(sched, registry, 1024);
      sched.setTargets(ProbeSource.STATIC, List.of(ProbeTarget.of("127.0.0.1", server.port(), "app.test", ProbeSource.STATIC)));
      await().atMost(Duration.ofSeconds(20)).until(() -> sched.states().size() == 1);
      String text = scrape(registry);
      String info = text.lines().filter(l -> l.startsWith("sockscope_tls_cert_info{")).findFirst().orElseThrow();
      String dnsNames = info.replaceFirst(".*dns_names=\"([^\"]*)\".*", "$1");
      assertThat(dnsNames.length()).isLessThanOrEqualTo(1024);
      assertThat(dnsNames).startsWith("app.test,n1.app.test,").matches(".*,\\.\\.\\.\\(\\+\\d+\\)");
      // kept names + the count in the marker = the 400 names of the certificate
      int kept = dnsNames.split(",").length - 1;
      int more = Integer.parseInt(dnsNames.replaceFirst(".*\\(\\+(\\d+)\\)$", "$1"));
      assertThat(kept + more).isEqualTo(400);
      assertThat(info.length()).isLessThan(1024 + 400);
      assertThat(text).contains("sockscope_series_cut{family=\"sockscope_tls_cert_info\"} 1.0");
    }
  }

  @Test
  void dnsNamesWithinTheCapAreUntouched() {
    assertThat(TlsGauges.dnsNames(List.of("a.test", "b.test"), 64)).isEqualTo("a.test,b.test");
    assertThat(TlsGauges.dnsNames(List.of("aaaaaaaaaa", "bbbbbbbbbb", "cccccccccc"), 30))
        .isEqualTo("aaaaaaaaaa,bbbbbbbbbb,...(+1)");
    assertThat(TlsGauges.dnsNames(List.of("a".repeat(100)), 64)).isEqualTo("...(+1)");
  }
}
