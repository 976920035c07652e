package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.tls.SecretFingerprints;
import java.io.ByteArrayOutputStream;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The namespace prober publishes the leaf of every Secret key for the sidecars (Fabric8's mock API
 * server, CRUD): a TLS Secret and a cert-manager style PKCS#12 keystore in an Opaque Secret (a
 * trusted entry "ca" that sorts before the key entry "certificate"). The ConfigMap holds their
 * leaves' fingerprints and expiries, follows a renewal and a deletion, and never holds a key, a
 * password or a certificate.
 */
@EnableKubernetesMockClient(crud = true)
class SecretFingerprintsPublishTest {
  static final String CM = "sockscope-peer-names";
  static final String PASSWORD = "ks-Pass-4e1d";

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void leavesOfTlsAndKeystoreSecretsArePublishedAndFollowRenewals() throws Exception {
    var old = StoredCertificatesTest.cert("app.ns.svc", "2027-01-10T00:00:00Z");
    var ca = StoredCertificatesTest.cert("kafka-ca", "2036-01-01T00:00:00Z");
    var kafka = StoredCertificatesTest.cert("kafka.ns.svc", "2027-05-05T00:00:00Z");
    client.secrets().inNamespace("ns").resource(tls("app-tls", old)).create();
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("kafka-ks").withNamespace("ns").endMetadata().withType("Opaque")
        .addToData("keystore.p12", StoredCertificatesTest.b64(certManagerKeystore(kafka, ca)))
        .addToData("password", StoredCertificatesTest.b64(PASSWORD.getBytes())).build()).create();
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns", EnumSet.of(
            WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.ENDPOINTSLICES,
            WatchedResource.SECRETS, WatchedResource.OPAQUE_SECRETS))) {
      PeerNamePublisher publisher = watch.publish(lean, CM, 1000, 1000);
      await().atMost(Duration.ofSeconds(30)).until(() -> published().size() == 2);
      SecretFingerprints table = published();
      assertThat(table.get("app-tls", "tls.crt")).hasValueSatisfying(l -> {
        assertThat(l.fingerprintSha256()).isEqualTo(fingerprint(old));
        assertThat(l.notAfter()).isEqualTo(Instant.parse("2027-01-10T00:00:00Z"));
      });
      // The keystore's leaf, not its CA (whose alias sorts first).
      assertThat(table.get("kafka-ks", "keystore.p12")).hasValueSatisfying(l -> {
        assertThat(l.fingerprintSha256()).isEqualTo(fingerprint(kafka));
        assertThat(l.notAfter()).isEqualTo(Instant.parse("2027-05-05T00:00:00Z"));
      });
      assertThat(configMap().getData()).containsKeys("peers", SecretFingerprints.KEY);
      assertThat(publisher.publishedCertificates()).isEqualTo(2);
      String everything = configMap().toString();
      assertThat(everything).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE")
          .doesNotContain(PASSWORD).doesNotContain(StoredCertificatesTest.b64(PASSWORD.getBytes()))
          .doesNotContain(old.tlsKey().substring(0, 40));

      // cert-manager renews: the Secret's new leaf replaces the old line.
      var renewed = StoredCertificatesTest.cert("app.ns.svc", "2027-04-10T00:00:00Z");
      client.secrets().inNamespace("ns").resource(tls("app-tls", renewed)).update();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(published().get("app-tls", "tls.crt")).hasValueSatisfying(l ->
              assertThat(l.fingerprintSha256()).isEqualTo(fingerprint(renewed))));

      client.secrets().inNamespace("ns").withName("kafka-ks").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> published().size() == 1);
      assertThat(publisher.errors()).isZero();
    }
  }

  @Test
  void theCapKeepsTheFirstSecretsAndCountsTheRest() throws Exception {
    for (String name : new String[] {"a-tls", "b-tls", "c-tls"}) {
      client.secrets().inNamespace("ns").resource(
          tls(name, StoredCertificatesTest.cert(name, "2028-01-01T00:00:00Z"))).create();
    }
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns", EnumSet.of(
            WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.SECRETS))) {
      PeerNamePublisher publisher = watch.publish(lean, CM, 1000, 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> publisher.cutCertificates() == 1
          && configMap() != null && published().size() == 2);
      assertThat(published().leaves().keySet()).containsExactlyInAnyOrder("a-tls/tls.crt", "b-tls/tls.crt");
      // Without the EndpointSlices watch there is no peer table to publish, only the leaves.
      assertThat(configMap().getData()).containsOnlyKeys(SecretFingerprints.KEY);
    }
  }

  private static Secret tls(String name, TestCertificates c) throws Exception {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
        .withType("kubernetes.io/tls").addToData("tls.crt", c.tlsCrt())
        .addToData("tls.key", c.tlsKey()).build();
  }

  /** As cert-manager writes {@code keystore.p12}: key entry "certificate", trusted entry "ca". */
  private static byte[] certManagerKeystore(TestCertificates leaf, TestCertificates ca)
      throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("certificate", leaf.keys().getPrivate(), PASSWORD.toCharArray(),
        new X509Certificate[] {leaf.certificate()});
    ks.setCertificateEntry("ca", ca.certificate());
    var out = new ByteArrayOutputStream();
    ks.store(out, PASSWORD.toCharArray());
    return out.toByteArray();
  }

  private static String fingerprint(TestCertificates c) {
    return io.sockscope.tls.CertificateFacts.sha256(c.certificate());
  }

  private ConfigMap configMap() {
    return client.configMaps().inNamespace("ns").withName(CM).get();
  }

  private SecretFingerprints published() {
    ConfigMap cm = configMap();
    if (cm == null || cm.getData() == null) {
      return SecretFingerprints.EMPTY;
    }
    return SecretFingerprints.parse(
        Map.copyOf(cm.getData()).getOrDefault(SecretFingerprints.KEY, ""));
  }
}
