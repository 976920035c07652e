package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
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
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Certificates where applications keep them: a CA bundle ConfigMap of three certificates, Opaque
 * Secrets holding PEM (with its key), PKCS#12 and JKS keystores. Each certificate gets its own
 * expiry series; keys and passwords reach neither the cache, the logs, /metrics nor the snapshot.
 */
@EnableKubernetesMockClient(crud = true)
class StoredCertificatesTest {
  static final String P12_PASSWORD = "p12-Secret-7f3a";
  static final String JKS_PASSWORD = "jks-Secret-9b21";

  KubernetesMockServer server;
  KubernetesClient client;

  static TestCertificates cert(String cn, String notAfter) throws Exception {
    return TestCertificates.create(cn, Instant.parse("2026-01-01T00:00:00Z"), Instant.parse(notAfter));
  }

  static byte[] keystore(String type, String password, TestCertificates key, TestCertificates trusted)
      throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    ks.setKeyEntry("server", key.keys().getPrivate(), password.toCharArray(),
        new X509Certificate[] {key.certificate()});
    ks.setCertificateEntry("trusted-ca", trusted.certificate());
    var out = new ByteArrayOutputStream();
    ks.store(out, password.toCharArray());
    return out.toByteArray();
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String seriesOf(String kind, String name, String key, int index, String notAfter) {
    return "sockscope_tls_stored_cert_not_after_timestamp_seconds{index=\"" + index + "\",key=\""
        + key + "\",kind=\"" + kind + "\",name=\"" + name + "\",namespace=\"ns\"} "
        + (double) Instant.parse(notAfter).getEpochSecond();
  }

  @Test
  void everyStoredCertificateHasItsOwnExpiryAndNoSecretLeaks() throws Exception {
    var root = cert("root-ca", "2036-01-01T00:00:00Z");
    var intermediate = cert("intermediate-ca", "2031-06-30T00:00:00Z");
    var old = cert("old-ca", "2027-03-15T12:00:00Z");
    var pemLeaf = cert("pem.example.com", "2027-01-10T00:00:00Z");
    var p12Leaf = cert("p12.example.com", "2027-02-20T00:00:00Z");
    var jksLeaf = cert("jks.example.com", "2027-04-30T00:00:00Z");

    // A CA bundle (trust-manager style) with text around the blocks, plus an unrelated key.
    String bundle = "# team CA bundle\n" + root.certificatePem() + "comment\n"
        + intermediate.certificatePem() + old.certificatePem();
    client.configMaps().inNamespace("ns").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("ca-bundle").withNamespace("ns").endMetadata()
        .withData(Map.of("ca.crt", bundle, "settings.yaml", "a: b\n")).build()).create();
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("app-pem").withNamespace("ns").addToAnnotations("sockscope.io/owner", "team-a")
        .endMetadata().withType("Opaque").withData(Map.of(
            "server.pem", b64((pemLeaf.certificatePem() + pemLeaf.privateKeyPem()).getBytes()),
            "token", b64("not-a-certificate".getBytes()))).build()).create();
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("app-p12").withNamespace("ns").endMetadata().withType("Opaque").withData(Map.of(
            "keystore.p12", b64(keystore("PKCS12", P12_PASSWORD, p12Leaf, root)),
            "password", b64(P12_PASSWORD.getBytes()))).build()).create();
    // The password in a key of the Secret's own choosing, named by the annotation.
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("app-jks").withNamespace("ns")
        .addToAnnotations("sockscope.io/keystore-password-key", "store-pass").endMetadata()
        .withType("Opaque").withData(Map.of(
            "keystore.jks", b64(keystore("JKS", JKS_PASSWORD, jksLeaf, intermediate)),
            "store-pass", b64(JKS_PASSWORD.getBytes()))).build()).create();
    // A PKCS#12 whose password is not in the Secret: reported by name, no series.
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("locked-p12").withNamespace("ns").endMetadata().withType("Opaque")
        .withData(Map.of("keystore.p12", b64(keystore("PKCS12", P12_PASSWORD, p12Leaf, root))))
        .build()).create();

    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
    System.setErr(capture);
    System.setOut(capture);
    String text;
    String snapshot;
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns", EnumSet.of(
            WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.SECRETS,
            WatchedResource.OPAQUE_SECRETS, WatchedResource.CONFIGMAPS),
            new KubernetesWatch.Settings(0, 100));
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      KubernetesCollector.bind(watch, () -> ServedCertificates.NONE, metrics);
      await().atMost(Duration.ofSeconds(10)).until(() ->
          watch.stored().snapshot().certificates().size() == 3 + 1 + 2 + 2);
      text = StoredVsServedTest.scrape(metrics);
      snapshot = JsonMapper.builder().build().writeValueAsString(watch.describe());
      assertThat(watch.cachedSecrets()).allSatisfy(s -> {
        assertThat(s.getData()).doesNotContainKeys("password", "store-pass", "token");
        s.getData().values().forEach(v -> assertThat(new String(Base64.getDecoder().decode(v)))
            .doesNotContain("PRIVATE KEY").contains("BEGIN CERTIFICATE"));
      });
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);

    // The bundle: three certificates, three expiries, in file order.
    assertThat(text)
        .contains(seriesOf("configmap", "ca-bundle", "ca.crt", 0, "2036-01-01T00:00:00Z"))
        .contains(seriesOf("configmap", "ca-bundle", "ca.crt", 1, "2031-06-30T00:00:00Z"))
        .contains(seriesOf("configmap", "ca-bundle", "ca.crt", 2, "2027-03-15T12:00:00Z"))
        .doesNotContain("settings.yaml");
    // PEM with its key; PKCS#12 and JKS by alias: the key entry's chain ("server"), then the
    // trusted certificate ("trusted-ca").
    assertThat(text)
        .contains(seriesOf("secret", "app-pem", "server.pem", 0, "2027-01-10T00:00:00Z"))
        .contains(seriesOf("secret", "app-p12", "keystore.p12", 0, "2027-02-20T00:00:00Z"))
        .contains(seriesOf("secret", "app-p12", "keystore.p12", 1, "2036-01-01T00:00:00Z"))
        .contains(seriesOf("secret", "app-jks", "keystore.jks", 0, "2027-04-30T00:00:00Z"))
        .contains(seriesOf("secret", "app-jks", "keystore.jks", 1, "2031-06-30T00:00:00Z"))
        .contains("fingerprint_sha256=\"" + jksLeaf.fingerprint() + "\"")
        .contains("sockscope_tls_secret_owner_info{namespace=\"ns\",owner=\"team-a\",secret=\"app-pem\"} 1.0")
        .contains("sockscope_series_cut{family=\"sockscope_tls_stored_cert_not_after_timestamp_seconds\"} 0.0")
        .doesNotContain("locked-p12");
    assertThat(logs).contains("locked-p12").contains("keystore.p12");
    String keyBody = pemLeaf.privateKeyPem().lines().filter(l -> !l.startsWith("-----"))
        .reduce("", String::concat);
    for (String t : new String[] {text, snapshot, logs}) {
      assertThat(t).doesNotContain(P12_PASSWORD).doesNotContain(JKS_PASSWORD)
          .doesNotContain("PRIVATE KEY").doesNotContain(keyBody.substring(0, 40))
          .doesNotContain(b64(P12_PASSWORD.getBytes())).doesNotContain("not-a-certificate");
    }
  }

  @Test
  void theCapKeepsTheFirstCertificatesAndCountsTheRest() throws Exception {
    String bundle = cert("a", "2030-01-01T00:00:00Z").certificatePem()
        + cert("b", "2031-01-01T00:00:00Z").certificatePem()
        + cert("c", "2032-01-01T00:00:00Z").certificatePem();
    client.configMaps().inNamespace("ns").resource(new ConfigMapBuilder().withNewMetadata()
        .withName("ca-bundle").withNamespace("ns").endMetadata()
        .withData(Map.of("ca.crt", bundle)).build()).create();
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns",
            EnumSet.of(WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.CONFIGMAPS),
            new KubernetesWatch.Settings(0, 2));
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      KubernetesCollector.bind(watch, () -> ServedCertificates.NONE, metrics);
      await().atMost(Duration.ofSeconds(10)).until(() -> watch.stored().snapshot().cut() == 1);
      String text = StoredVsServedTest.scrape(metrics);
      assertThat(text).contains("sockscope_series_cut{family=\"sockscope_tls_stored_cert_not_after_timestamp_seconds\"} 1.0")
          .contains(seriesOf("configmap", "ca-bundle", "ca.crt", 1, "2031-01-01T00:00:00Z"))
          .doesNotContain("index=\"2\"");
      // Deleting the ConfigMap removes its series.
      client.configMaps().inNamespace("ns").withName("ca-bundle").delete();
      await().atMost(Duration.ofSeconds(5)).until(() ->
          !StoredVsServedTest.scrape(metrics).contains("ca-bundle"));
    }
  }
}
