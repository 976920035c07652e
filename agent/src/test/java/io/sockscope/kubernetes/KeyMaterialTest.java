package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.MetricsRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Private keys never reach the cache, the logs, /metrics or the JSON snapshot. */
@EnableKubernetesMockClient(crud = true)
class KeyMaterialTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void noKeyMaterialAnywhere() throws Exception {
    var cert = TestCertificates.create("a.example.com", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2027-01-01T00:00:00Z"));
    String keyPem = cert.privateKeyPem();
    String keyBody = keyPem.lines().filter(l -> !l.startsWith("-----")).reduce("", String::concat);
    // kubectl apply copies the whole object, key included, into this annotation.
    String lastApplied = "{\"data\":{\"tls.key\":\"" + cert.tlsKey() + "\"}}";
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("good").withNamespace("ns")
        .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", lastApplied)
        .endMetadata().withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", cert.tlsCrt(), "tls.key", cert.tlsKey())).build()).create();
    // Certificate and key swapped by mistake: the parse error must not quote the data.
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("swapped").withNamespace("ns").endMetadata().withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", cert.tlsKey(), "tls.key", cert.tlsCrt())).build()).create();

    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    System.setOut(capture);
    String metricsText;
    String snapshot;
    // The agent's own client (JDK HTTP, lean deserializer) against the mock API server.
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns",
            EnumSet.of(WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.SECRETS));
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      KubernetesCollector.bind(watch, () -> ServedCertificates.NONE, metrics);
      await().atMost(Duration.ofSeconds(5)).until(() -> watch.secrets().get("good").isPresent()
          && watch.cachedSecrets().size() == 2);
      Thread.sleep(700); // let the health monitor log its sync lines
      metricsText = new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
      metricsText += new String(metrics.scrape("application/openmetrics-text").body(),
          StandardCharsets.UTF_8);
      snapshot = JsonMapper.builder().build().writeValueAsString(watch.describe());

      assertThat(watch.cachedSecrets()).allSatisfy(s -> {
        assertThat(s.getData()).doesNotContainKey("tls.key");
        assertThat(s.getMetadata().getAnnotations()).isNullOrEmpty();
      });
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(metricsText).contains("secret=\"good\"").doesNotContain("secret=\"swapped\"");
    assertThat(logs).contains("swapped"); // the unreadable Secret was reported, by name only
    for (String text : new String[] {logs, metricsText, snapshot}) {
      assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(keyBody)
          .doesNotContain(cert.tlsKey()).doesNotContain(keyBody.substring(0, 40));
    }
  }
}
