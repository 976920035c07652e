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
}
