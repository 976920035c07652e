package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.it.AgentProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The TLS latency histograms as native histograms: a real Prometheus with
 * {@code --enable-feature=native-histograms} scrapes the real agent (demo workload, its TLS
 * endpoints probed every second) over protobuf, stores the series as native histograms (the query
 * API returns a {@code histogram}, not a {@code value}) and {@code histogram_quantile} answers over
 * them; a plain text scrape still carries the classic buckets unchanged.
 */
class NativeHistogramsIT {

  @Test
  void prometheusStoresTheTlsLatencyHistogramsAsNativeHistograms(@TempDir Path dir) throws Exception {
    Path prometheus = Tools.require("prometheus");
    int port = AgentProcess.freePort();
    Path config = Files.writeString(dir.resolve("agent.yaml"), "tls:\n  interval: 1s\n");
    try (AgentProcess agent = AgentProcess.start(List.of(), "http://127.0.0.1:" + port,
            "demo", "--config", config.toString(), "--port", Integer.toString(port));
        PrometheusServer prom = PrometheusServer.start(prometheus, dir, "127.0.0.1:" + port,
            Map.of("namespace", "demo", "pod", "sockscope-demo"), List.of(),
            List.of("--enable-feature=native-histograms"))) {
      agent.awaitReady(Duration.ofSeconds(60));
      prom.awaitReady(Duration.ofSeconds(60));

      JsonNode stored = poll(prom, "sockscope_tls_handshake_duration_seconds", Duration.ofSeconds(60));
      assertThat(stored).as("native histogram series").isNotEmpty();
      assertThat(stored.get(0).has("histogram")).as(stored.toString()).isTrue();
      JsonNode h = stored.get(0).path("histogram").get(1);
      assertThat(Double.parseDouble(h.path("count").asString())).isPositive();
      assertThat(h.path("buckets").size()).as("native buckets").isPositive();
      // No classic bucket series stored: the protobuf scrape's native histogram replaced them.
      assertThat(prom.query("sockscope_tls_handshake_duration_seconds_bucket")).isEmpty();

      JsonNode q = poll(prom,
          "histogram_quantile(0.5, sum by (target) (rate(sockscope_tls_connect_duration_seconds[30s])))",
          Duration.ofSeconds(60));
      assertThat(q).isNotEmpty();
      double median = Double.parseDouble(q.get(0).path("value").get(1).asString());
      assertThat(median).as("a loopback connect's median, in seconds").isBetween(0.0, 5.0);

      String text = agent.get("/metrics").body();
      assertThat(text).containsPattern(
          "sockscope_tls_handshake_duration_seconds_bucket\\{target=\"[^\"]+\",le=\"0\\.005\"} \\d+");
      for (String le : List.of("0.001", "0.0025", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "+Inf")) {
        assertThat(text).containsPattern("sockscope_tls_connect_duration_seconds_bucket\\{target=\"[^\"]+\",le=\""
            + java.util.regex.Pattern.quote(le) + "\"}");
      }
    }
  }

  private static JsonNode poll(PrometheusServer prom, String query, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode r;
    do {
      r = prom.query(query);
      if (!r.isEmpty() && !r.get(0).path("value").path(1).asString("").equals("NaN")) {
        return r;
      }
      Thread.sleep(1000);
    } while (System.nanoTime() < deadline);
    return r;
  }
}
