package io.sockscope.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockscope.tls.ProbeScheduler;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.TlsFixtures;
import io.sockscope.tls.TlsProber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS rows of docs/metrics.md on a real registry, fed by real probes of real TLS servers. */
class TlsMetricsTest {
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @Test
  void exportsFactsAlsoOnVerificationFailureAndDropsRemovedTargets(@TempDir Path dir)
      throws Exception {
    Instant expiredAt = NOW.minusSeconds(7200);
    Instant validUntil = NOW.plus(Duration.ofDays(30));
    try (var fx = TlsFixtures.start(dir, expiredAt, validUntil);
        var registry = new MetricsRegistry(BuildInfo.load());
        var prober = new TlsProber(fx.anchors(), Clock.systemUTC());
        var sched =
            new ProbeScheduler(
                prober::probe,
                Duration.ofMillis(300),
                Duration.ofSeconds(2),
                4,
                Clock.systemUTC())) {
      TlsMetrics.bind(sched, registry);
      String expired = "127.0.0.1:" + fx.expiredPort() + ",app.test";
      String valid = "127.0.0.1:" + fx.validPort() + ",app.test";
      sched.setTargets(
          ProbeSource.STATIC,
          List.of(
              ProbeTarget.of("127.0.0.1", fx.expiredPort(), "app.test", ProbeSource.STATIC),
              ProbeTarget.of("127.0.0.1", fx.validPort(), "app.test", ProbeSource.STATIC)));
      // generous: two handshakes took over 3 s at load 26
      await().atMost(Duration.ofSeconds(30)).until(() -> sched.states().size() == 2);

      String text = scrape(registry);
      assertThat(text)
          .contains("sockscope_tls_probe_success{source=\"static\",target=\"" + expired + "\"} 0.0")
          .contains("sockscope_tls_probe_success{source=\"static\",target=\"" + valid + "\"} 1.0")
          .contains(
              "sockscope_tls_cert_not_after_timestamp_seconds{target=\""
                  + expired
                  + "\"} "
                  + seconds(expiredAt))
          .contains(
              "sockscope_tls_cert_not_after_timestamp_seconds{target=\""
                  + valid
                  + "\"} "
                  + seconds(validUntil))
          .contains(
              "sockscope_tls_verify_error_info{reason=\"expired\",target=\"" + expired + "\"} 1.0")
          .contains(
              "sockscope_tls_probe_failures_total{reason=\"expired\",stage=\"verify\",target=\""
                  + expired
                  + "\"}")
          .contains("sockscope_tls_session_info{cipher=\"TLS_")
          .contains(
              "sockscope_tls_chain_not_after_timestamp_seconds{target=\""
                  + valid
                  + "\"} "
                  + seconds(validUntil))
          .contains(
              "sockscope_tls_handshake_duration_seconds_bucket{target=\""
                  + valid
                  + "\",le=\"5.0\"}")
          .contains("sockscope_tls_connect_duration_seconds_count{target=\"" + expired + "\"}")
          .contains("sockscope_tls_last_success_timestamp_seconds{target=\"" + valid + "\"}")
          .contains("sockscope_discovery_targets{source=\"static\"} 2.0")
          .contains("sockscope_discovery_targets{source=\"peer\"} 0.0")
          .contains("sockscope_tls_cert_info{dns_names=\"app.test\",fingerprint_sha256=\"")
          .doesNotContain(
              "sockscope_tls_last_success_timestamp_seconds{target=\"" + expired + "\"}")
          // the TLS histograms have no Micrometer _max series (a JVM GC timer may have one)
          .doesNotContainPattern("sockscope_tls_\\w*_max\\{");

      sched.setTargets(
          ProbeSource.STATIC, List.of(ProbeTarget.of("127.0.0.1", fx.validPort(), "app.test", ProbeSource.STATIC)));
      Thread.sleep(400); // a probe in flight for the removed target must not bring it back
      String after = scrape(registry);
      assertThat(after)
          .doesNotContain(expired)
          .contains(valid)
          .contains("sockscope_discovery_targets{source=\"static\"} 1.0");
    }
  }

  static String scrape(MetricsRegistry r) {
    return new String(r.scrape("text/plain").body(), StandardCharsets.UTF_8);
  }

  static String seconds(Instant t) {
    return String.valueOf((double) t.getEpochSecond()).replace("E", "E");
  }
}
