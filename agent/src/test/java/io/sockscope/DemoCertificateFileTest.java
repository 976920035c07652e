package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockscope.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The demo shows three-way parity: its short-lived endpoint serves the certificate of a
 * subPath-style file while the published Secret holds a renewed one, so the file and the served
 * leaf agree and the Secret is the odd one out.
 */
class DemoCertificateFileTest {
  @Test
  void theDemosStaleFileSaysTheSecretDiffers() throws Exception {
    var config = ConfigLoader.parse("port: 0\nsockets:\n  enabled: false\n", "test");
    try (Agent agent = Agent.start(config, true); HttpClient http = HttpClient.newHttpClient()) {
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        String body = http.send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + agent.port() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).containsPattern(
            "sockscope_tls_certificate_file_parity\\{differs=\"secret\",file=\"[^\"]*short-lived-tls.crt\",secret=\"demo-tls\"} 1.0");
      });
    }
  }
}
