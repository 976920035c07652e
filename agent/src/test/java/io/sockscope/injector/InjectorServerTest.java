package io.sockscope.injector;

import io.sockscope.it.AgentProcess;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.sockscope.Agent;
import io.sockscope.config.AgentConfig;
import io.sockscope.config.ConfigLoader;
import io.sockscope.helm.RenderedChart;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent in the injector role, configured exactly as the chart deploys it: the rendered
 * injector config, the Helm-generated certificate (genCA/genSignedCert, PKCS#1 key) and the
 * rendered sidecar.json; a client that trusts only the chart's caBundle posts a review over HTTPS.
 */
class InjectorServerTest {
  private static final JsonMapper JSON = new JsonMapper();
  private static final String SERVICE_HOST = "shop-sockscope-injector.checkout.svc";

  @TempDir static Path dir;
  private static Agent agent;
  private static int webhookPort;
  private static SSLContext clientTls;

  @BeforeAll
  static void start() throws Exception {
    RenderedChart chart = RenderedChart.render(Map.of("injector.enabled", true));
    Secret tls = chart.one(Secret.class, "shop-sockscope-injector-tls");
    for (String key : List.of("tls.crt", "tls.key", "ca.crt")) {
      Files.write(dir.resolve(key), Base64.getDecoder().decode(tls.getData().get(key)));
    }
    assertThat(Files.readString(dir.resolve("tls.key"))).contains("BEGIN RSA PRIVATE KEY");
    Files.writeString(dir.resolve("sidecar.json"),
        chart.one(ConfigMap.class, "shop-sockscope-sidecar").getData().get("sidecar.json"));
    webhookPort = AgentProcess.freePort();
    String config = chart.one(ConfigMap.class, "shop-sockscope-injector").getData().get("config.yaml")
        .replace("/etc/sockscope/tls/", dir + "/")
        .replace("/etc/sockscope/sidecar/", dir + "/")
        .replace("port: 9443", "port: " + webhookPort)
        .replace("port: 9102", "port: 0");
    AgentConfig parsed = ConfigLoader.parse(config, "rendered injector config");
    assertThat(parsed.role().flag()).isEqualTo("injector");
    agent = Agent.start(parsed, false);

    // Trust exactly the chart's caBundle (the MutatingWebhookConfiguration's), nothing else.
    X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.crt"))));
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(trust);
    clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private static HttpsURLConnection open(String method) throws IOException {
    var conn = (HttpsURLConnection)
        URI.create("https://127.0.0.1:" + webhookPort + "/mutate").toURL().openConnection();
    conn.setSSLSocketFactory(clientTls.getSocketFactory());
    // The API server dials <service>.<namespace>.svc: check the certificate names exactly that.
    conn.setHostnameVerifier((host, session) -> {
      try {
        var leaf = (X509Certificate) session.getPeerCertificates()[0];
        return leaf.getSubjectAlternativeNames().stream()
            .anyMatch(san -> SERVICE_HOST.equals(san.get(1)));
      } catch (Exception e) {
        return false;
      }
    });
    conn.setRequestMethod(method);
    conn.setConnectTimeout(5000);
    conn.setReadTimeout(5000);
    return conn;
  }

  private static String review() throws IOException {
    try (var in = InjectorServerTest.class.getResourceAsStream("/injector/admission-review-pod.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void servesTheWebhookOverHttpsWithTheChartsCertificate() throws IOException {
    HttpsURLConnection conn = open("POST");
    conn.setDoOutput(true);
    conn.setRequestProperty("Content-Type", "application/json");
    try (OutputStream out = conn.getOutputStream()) {
      out.write(review().getBytes(StandardCharsets.UTF_8));
    }
    assertThat(conn.getResponseCode()).isEqualTo(200);
    assertThat(conn.getContentType()).startsWith("application/json");
    JsonNode response;
    try (var in = conn.getInputStream()) {
      response = JSON.readTree(in.readAllBytes()).get("response");
    }
    assertThat(response.get("allowed").asBoolean()).isTrue();
    assertThat(response.get("uid").asString()).isEqualTo("0df28fbd-5f5f-11e8-bc74-36e6bb280816");
    String patch = new String(Base64.getDecoder().decode(response.get("patch").asString()),
        StandardCharsets.UTF_8);
    assertThat(patch).contains("\"name\":\"sockscope\"");
    String metrics = new String(agent.metrics().scrape(null).body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("sockscope_injector_admissions_total{result=\"inject\"} 1.0");
  }

  @Test
  void refusesWhatIsNotAReview() throws IOException {
    assertThat(open("GET").getResponseCode()).isEqualTo(HttpURLConnection.HTTP_BAD_METHOD);
    HttpsURLConnection conn = open("POST");
    conn.setDoOutput(true);
    try (OutputStream out = conn.getOutputStream()) {
      out.write("{\"kind\":\"AdmissionReview\"}".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(conn.getResponseCode()).isEqualTo(400);
    String metrics = new String(agent.metrics().scrape(null).body(), StandardCharsets.UTF_8);
    assertThat(metrics).contains("sockscope_injector_admissions_total{result=\"error\"}");
  }
}
