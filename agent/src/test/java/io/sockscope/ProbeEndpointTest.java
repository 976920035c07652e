package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.Role;
import io.sockscope.config.TlsConfig;
import io.sockscope.tls.TlsFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /probe} through the real agent and HTTP server: off by default, allow-listed when on. */
class ProbeEndpointTest {
  static final HttpClient HTTP = HttpClient.newHttpClient();

  static AgentConfig config(boolean enabled, List<String> allow) {
    var tls =
        new TlsConfig(
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            new TlsConfig.ProbeEndpointConfig(enabled, allow));
    return new AgentConfig(Role.LOCAL, 0, null, null, tls, null, null);
  }

  static HttpResponse<String> get(Agent a, String query, String timeoutHeader) throws Exception {
    var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/probe?" + query));
    if (timeoutHeader != null) {
      b.header("X-Prometheus-Scrape-Timeout-Seconds", timeoutHeader);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void offByDefault() throws Exception {
    try (Agent a = Agent.start(config(false, List.of("127.0.0.0/8")), false)) {
      assertThat(get(a, "target=127.0.0.1:443", null).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void allowListedTargetIsProbedOthersRefused(@TempDir Path dir) throws Exception {
    Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(12));
    try (var fx = TlsFixtures.start(dir, until.minus(Duration.ofDays(20)), until);
        Agent a = Agent.start(config(true, List.of("127.0.0.0/8", "*.svc")), false)) {
      var ok = get(a, "target=127.0.0.1:" + fx.validPort() + "&server_name=app.test", "3");
      assertThat(ok.statusCode()).isEqualTo(200);
      String t = "127.0.0.1:" + fx.validPort() + ",app.test";
      // the fixture root is neither served nor an anchor of the agent: the chain stops short of a
      // trust anchor (incomplete_chain), and every certificate fact is still there
      assertThat(ok.body())
          .contains("sockscope_tls_probe_success{source=\"adhoc\",target=\"" + t + "\"} 0.0")
          .contains(
              "sockscope_tls_verify_error_info{reason=\"incomplete_chain\",target=\""
                  + t
                  + "\"} 1.0")
          .contains(
              "sockscope_tls_cert_not_after_timestamp_seconds{target=\""
                  + t
                  + "\"} "
                  + (double) until.getEpochSecond())
          .contains("sockscope_tls_handshake_duration_seconds_count{target=\"" + t + "\"} 1")
          .doesNotContain("jvm_")
          .doesNotContain("sockscope_discovery_targets");

      var forbidden = get(a, "target=10.1.2.3:443", null);
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(forbidden.body()).contains("not allowed");
      assertThat(get(a, "target=169.254.169.254:80", null).statusCode()).isEqualTo(403);
      assertThat(get(a, "target=no-port", null).statusCode()).isEqualTo(400);
      assertThat(get(a, "target=127.0.0.1:99999", null).statusCode()).isEqualTo(400);
      assertThat(get(a, "target=127.0.0.1:443&server_name=bad%20name", null).statusCode())
          .isEqualTo(400);
    }
  }

  /**
   * Issue 13: 12 concurrent probes of a tarpit made /healthz and /metrics time out for 60 s (the
   * liveness probe would restart the pod). Now /probe runs on its own bounded pool: 16 callers
   * get 4 probes running and 12 answers of 429 at once, and health and scrapes keep answering.
   */
  @Test
  void healthAndScrapesNeverWaitForProbes() throws Exception {
    try (var tarpit = new java.net.ServerSocket(0, 100, java.net.InetAddress.getLoopbackAddress());
        Agent a = Agent.start(config(true, List.of("127.0.0.0/8")), false)) {
      // ready first (the first socket dump): this test is about probes, not start-up
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(a.readiness()::ready);
      List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(tarpit.accept()); // accepted, never answered
          }
        } catch (java.io.IOException closed) {
          // test over
        }
      });
      var uri = URI.create("http://127.0.0.1:" + a.port() + "/probe?target=127.0.0.1:" + tarpit.getLocalPort());
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> probes = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        probes.add(HTTP.sendAsync(
            HttpRequest.newBuilder(uri).header("X-Prometheus-Scrape-Timeout-Seconds", "30").build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      // the 12 beyond the pool are refused at once, without waiting for the tarpit
      java.util.concurrent.CompletableFuture.anyOf(probes.toArray(java.util.concurrent.CompletableFuture[]::new))
          .get(10, java.util.concurrent.TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> probes.stream().filter(java.util.concurrent.CompletableFuture::isDone).count() == 12);
      assertThat(probes.stream().filter(java.util.concurrent.CompletableFuture::isDone)
          .map(java.util.concurrent.CompletableFuture::join).map(HttpResponse::statusCode))
          .hasSize(12).containsOnly(429);
      // 4 probes hang on the tarpit now; every health check and scrape still answers
      for (int i = 0; i < 10; i++) {
        for (String path : List.of("/healthz", "/readyz", "/metrics")) {
          var r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + path))
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
      }
      assertThat(probes.stream().filter(f -> !f.isDone()).count()).as("probes still on the tarpit").isEqualTo(4);
      assertThat(held).hasSizeGreaterThanOrEqualTo(4);
      probes.forEach(f -> f.cancel(true));
    }
  }

  /** Issue 13: /probe of a configured target said source="static" where the docs say adhoc. */
  @Test
  void configuredTargetProbedAdhocIsLabelledAdhoc(@TempDir Path dir) throws Exception {
    Instant until = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(12));
    try (var fx = TlsFixtures.start(dir, until.minus(Duration.ofDays(20)), until)) {
      String address = "127.0.0.1:" + fx.validPort();
      var tls = new TlsConfig(null, null, null,
          List.of(new io.sockscope.config.TlsTargetConfig(address, null, null, null, null, null, null)),
          null, null, null, new TlsConfig.ProbeEndpointConfig(true, List.of()));
      try (Agent a = Agent.start(new AgentConfig(Role.LOCAL, 0, null, null, tls, null, null), false)) {
        var r = get(a, "target=" + address, null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
            .contains("sockscope_tls_probe_success{source=\"adhoc\",target=\"" + address + "\"}")
            .doesNotContain("source=\"static\"");
      }
    }
  }
}
