package io.sockscope.injector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockscope.config.InjectorConfig;
import io.sockscope.helm.RenderedChart;
import io.sockscope.injector.ReloadingKeyManagerTest.MovableClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook on Javalin/Jetty over real HTTPS: a client that trusts only the chart's CA gets an
 * AdmissionReview answer; after the Secret is renewed (a second render: a new CA and certificate
 * written over the mounted files) the same server, without a restart, serves the new certificate
 * — a client trusting only the new CA is answered, one trusting only the old CA is refused.
 */
class WebhookServerTest {
  private static final JsonMapper JSON = new JsonMapper();

  @TempDir Path dir;

  private Secret write(RenderedChart chart) throws IOException {
    Secret tls = chart.one(Secret.class, "shop-sockscope-injector-tls");
    for (String key : new String[] {"tls.crt", "tls.key"}) {
      Files.write(dir.resolve(key), Base64.getDecoder().decode(tls.getData().get(key)));
    }
    return tls;
  }

  /** A fresh client context (no TLS session to resume) trusting only {@code tls}'s ca.crt. */
  private static SSLContext trusting(Secret tls) throws Exception {
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(tls.getData().get("ca.crt"))));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  private static HttpsURLConnection post(int port, SSLContext client, String body) throws IOException {
    var conn = (HttpsURLConnection)
        URI.create("https://127.0.0.1:" + port + "/mutate").toURL().openConnection();
    conn.setSSLSocketFactory(client.getSocketFactory());
    conn.setHostnameVerifier((host, session) -> true); // names: InjectorServerTest checks them
    conn.setRequestMethod("POST");
    conn.setRequestProperty("Connection", "close");
    conn.setRequestProperty("Content-Type", "application/json");
    conn.setConnectTimeout(5000);
    conn.setReadTimeout(5000);
    conn.setDoOutput(true);
    try (OutputStream out = conn.getOutputStream()) {
      out.write(body.getBytes(StandardCharsets.UTF_8));
    }
    return conn;
  }

  private static String review() throws IOException {
    try (var in = WebhookServerTest.class.getResourceAsStream("/injector/admission-review-pod.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonNode answer(HttpsURLConnection conn) throws IOException {
    assertThat(conn.getResponseCode()).isEqualTo(200);
    assertThat(conn.getContentType()).startsWith("application/json");
    try (var in = conn.getInputStream()) {
      return JSON.readTree(in.readAllBytes()).get("response");
    }
  }

  private static X509Certificate served(HttpsURLConnection conn) throws IOException {
    return (X509Certificate) conn.getServerCertificates()[0];
  }

  @Test
  void answersReviewsOverHttpsAndServesARenewedCertificateWithoutARestart() throws Exception {
    RenderedChart first = RenderedChart.render(Map.of("injector.enabled", true));
    Secret oldPair = write(first);
    Files.writeString(dir.resolve("sidecar.json"),
        first.one(ConfigMap.class, "shop-sockscope-sidecar").getData().get("sidecar.json"));
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var clock = new MovableClock();
    var config = new InjectorConfig(0, dir.resolve("tls.crt").toString(),
        dir.resolve("tls.key").toString(), dir.resolve("sidecar.json").toString(), true);
    try (WebhookServer server = WebhookServer.start("127.0.0.1", config, registry, clock)) {
      HttpsURLConnection before = post(server.port(), trusting(oldPair), review());
      assertThat(before.getResponseCode()).isEqualTo(200);
      X509Certificate oldLeaf = served(before);
      JsonNode response = answer(before);
      assertThat(response.get("allowed").asBoolean()).isTrue();
      assertThat(response.get("uid").asString()).isEqualTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816");
      assertThat(new String(Base64.getDecoder().decode(response.get("patch").asString()),
          StandardCharsets.UTF_8)).contains("\"name\":\"sockscope\"");

      // cert-manager (here: a second render) renews the Secret; the kubelet rewrites the files.
      Secret newPair = write(RenderedChart.render(Map.of("injector.enabled", true)));
      assertThat(newPair.getData().get("ca.crt")).isNotEqualTo(oldPair.getData().get("ca.crt"));
      Files.setLastModifiedTime(dir.resolve("tls.crt"), FileTime.from(Instant.now().plusSeconds(5)));
      clock.now = clock.now.plus(ReloadingKeyManager.CHECK_EVERY).plusSeconds(1);

      HttpsURLConnection after = post(server.port(), trusting(newPair), review());
      assertThat(after.getResponseCode()).isEqualTo(200);
      X509Certificate newLeaf = served(after);
      assertThat(answer(after).get("allowed").asBoolean()).isTrue();
      assertThat(newLeaf).isNotEqualTo(oldLeaf);
      assertThat(Base64.getEncoder().encodeToString(newLeaf.getEncoded()))
          .isEqualTo(Base64.getEncoder().encodeToString(CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(
                  Base64.getDecoder().decode(newPair.getData().get("tls.crt")))).getEncoded()));
      assertThatThrownBy(() -> post(server.port(), trusting(oldPair), review()).getResponseCode())
          .as("the old CA no longer verifies what the webhook serves")
          .isInstanceOf(SSLHandshakeException.class);
      assertThat(registry.scrape()).contains("sockscope_injector_admissions_total{result=\"inject\"} 2.0");
    }
  }
}
