package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;

/**
 * The whole agent in-process on the procfs fixture tree: its /metrics, minus volatile series (JVM,
 * process, durations, build), must equal the golden exposition. Regenerate after an intended
 * change with {@code -Dupdate.golden=true}.
 */
class GoldenMetricsTest {
  private static final Pattern VOLATILE = Pattern.compile(
      "^(# (HELP|TYPE) )?(jvm_|process_|system_|sockscope_sampler_duration_seconds|sockscope_build_info).*");

  @Test
  void metricsMatchTheGoldenExposition() throws Exception {
    Path fixtures = Path.of(GoldenMetricsTest.class.getResource("/fixtures/proc").toURI());
    // A certificate file made with openssl, and a published fingerprint table whose app-tls line
    // holds openssl's fingerprint of it (none) and whose renewed-tls line another (file).
    var config = ConfigLoader.parse("""
        port: 0
        procRoot: %s
        sockets:
          source: procfs
        tls:
          certificateFiles:
            - path: src/test/resources/fixtures/certs/app.crt
              secret: app-tls
            - path: src/test/resources/fixtures/certs/./app.crt
              secret: renewed-tls
        kubernetes:
          certificatesFile: src/test/resources/fixtures/certs/certificates
        """.formatted(fixtures), "test");
    Agent agent = Agent.start(config, false);
    try (HttpClient http = HttpClient.newHttpClient()) {
      await().atMost(Duration.ofSeconds(10)).until(agent.readiness()::ready);
      URI metrics = URI.create("http://127.0.0.1:" + agent.port() + "/metrics");
      // The certificate files are checked in the background: wait for the first check.
      await().atMost(Duration.ofSeconds(10)).until(() -> http.send(
          HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body()
          .contains("sockscope_tls_certificate_file_parity{"));
      String body = http.send(HttpRequest.newBuilder(metrics).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String stable = body.lines().filter(l -> !VOLATILE.matcher(l).matches()).sorted()
          .collect(Collectors.joining("\n", "", "\n"));
      Path golden = Path.of("src/test/resources/golden/metrics.txt");
      if (Boolean.getBoolean("update.golden")) {
        Files.writeString(golden, stable);
      }
      assertThat(stable).isEqualTo(Files.readString(golden));
    } finally {
      agent.close();
    }
  }
}
