package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.tls.ProbeSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A renewed certificate in the Secret while the endpoint still serves the old one. */
@EnableKubernetesMockClient(crud = true)
class StoredVsServedTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void matchesOnlyWhenTheServedLeafIsTheSecretsLeaf() throws Exception {
    var a = TestCertificates.create("web.ns.svc", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-12-31T00:00:00Z"));
    var b = TestCertificates.create("web.ns.svc", Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2027-11-01T00:00:00Z"));
    try (TestTlsServer tls = new TestTlsServer(a);
        KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns",
            EnumSet.of(WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.SECRETS));
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      var served = new HandshakeServedCertificates(Map.of("web.ns.svc:443",
          new InetSocketAddress(InetAddress.getLoopbackAddress(), tls.port())));
      KubernetesCollector.bind(watch, () -> served, metrics);
      client.services().inNamespace("ns").resource(new ServiceBuilder().withNewMetadata()
          .withName("web").withNamespace("ns").addToAnnotations("sockscope.io/tls-secret", "web-tls")
          .endMetadata().withNewSpec().addNewPort().withName("https").withPort(443).endPort()
          .endSpec().build()).create();
      client.secrets().inNamespace("ns").resource(KubernetesWatchTest.tlsSecret("web-tls", b)).create();
      String series = "sockscope_tls_served_cert_matches_secret{secret=\"web-tls\",target=\"web.ns.svc:443\"} ";

      // The ground truth, from the handshake itself: A is served, B is stored.
      assertThat(served.servedFingerprint("web.ns.svc:443").orElseThrow().replace(":", ""))
          .isEqualToIgnoringCase(a.fingerprint());
      await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(scrape(metrics)).contains(series + "0.0"));

      tls.serve(b);
      assertThat(scrape(metrics)).contains(series + "1.0");

      tls.serve(a);
      assertThat(scrape(metrics)).contains(series + "0.0");
    }
  }

  @Test
  void noSeriesWhileTheServedCertificateIsUnknown() throws Exception {
    var a = TestCertificates.create("x", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-12-31T00:00:00Z"));
    var targets = java.util.List.of(new DiscoveredTarget("web.ns.svc", 443, "web.ns.svc", ProbeSource.SERVICE, null, "ns", "web-tls"));
    var inventory = new SecretInventory();
    inventory.put(KubernetesWatchTest.tlsSecret("web-tls", a));
    assertThat(CertificateMatch.of(targets, inventory, ServedCertificates.NONE)).isEmpty();
    String fingerprint = a.fingerprint();
    assertThat(CertificateMatch.of(targets, inventory, t -> java.util.Optional.of(fingerprint)))
        .containsExactly(new CertificateMatch("web.ns.svc:443", "web-tls", true));
    assertThat(CertificateMatch.of(targets, new SecretInventory(), t -> java.util.Optional.of("ab")))
        .isEmpty();
  }

  static String scrape(MetricsRegistry metrics) {
    return new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
  }
}
