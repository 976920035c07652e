package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.MetricsRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rotated but not reloaded: a Service backed by three real TLS servers (127.0.0.1-3, one port),
 * the Secret renewed, one replica still serving the old certificate. The Service address hides it;
 * the per-backend parity says 2 of 3 and names the third.
 */
@EnableKubernetesMockClient(crud = true)
class BackendParityTest {
  KubernetesMockServer server;
  KubernetesClient client;
  final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
  }

  static final TestCertificates OLD = certificate("2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z");
  static final TestCertificates NEW = certificate("2026-11-01T00:00:00Z", "2027-11-01T00:00:00Z");

  private static TestCertificates certificate(String from, String to) {
    try {
      return TestCertificates.create("web.ns.svc", Instant.parse(from), Instant.parse(to));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  List<TestTlsServer> threeReplicas(TestCertificates... serving) throws IOException {
    List<TestTlsServer> servers = TestTlsServer.replicas(serving);
    open.addAll(servers);
    return servers;
  }

  static EndpointSlice slice(String name, int port, String... ipPodReady) {
    var b = new EndpointSliceBuilder().withNewMetadata().withName(name).withNamespace("ns")
        .addToLabels(PeerNameIndex.SERVICE_NAME_LABEL, "web").endMetadata()
        .withAddressType("IPv4").addNewPort().withName("https").withPort(port).withProtocol("TCP")
        .endPort();
    for (String e : ipPodReady) {
      String[] f = e.split("/");
      b.addNewEndpoint().withAddresses(f[0]).withNewConditions().withReady(Boolean.valueOf(f[2]))
          .endConditions().withNewTargetRef().withKind("Pod").withName(f[1]).withNamespace("ns")
          .endTargetRef().endEndpoint();
    }
    return b.build();
  }

  MetricsRegistry watch(int backendsPerService) {
    KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
    open.add(lean);
    KubernetesWatch watch = KubernetesWatch.start(lean, "ns",
        EnumSet.of(WatchedResource.SERVICES, WatchedResource.INGRESSES,
            WatchedResource.ENDPOINTSLICES, WatchedResource.SECRETS),
        new KubernetesWatch.Settings(backendsPerService, 100));
    open.add(watch);
    MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load());
    open.add(metrics);
    KubernetesCollector.bind(watch, () -> new HandshakeServedCertificates(Map.of()), metrics);
    return metrics;
  }

  void createService() throws Exception {
    client.services().inNamespace("ns").resource(new ServiceBuilder().withNewMetadata()
        .withName("web").withNamespace("ns").addToAnnotations("sockscope.io/tls-secret", "web-tls")
        .addToAnnotations("sockscope.io/owner", "team-payments").endMetadata().withNewSpec()
        .withClusterIP("10.96.0.10").addNewPort().withName("https").withPort(443)
        .withNewTargetPort(8443).withProtocol("TCP").endPort().endSpec().build()).create();
    client.secrets().inNamespace("ns").resource(KubernetesWatchTest.tlsSecret("web-tls", NEW)).create();
  }

  @Test
  void twoOfThreeReplicasServeTheRenewedCertificateAndTheThirdIsNamed() throws Exception {
    List<TestTlsServer> replicas = threeReplicas(NEW, NEW, OLD);
    int port = replicas.getFirst().port();
    MetricsRegistry metrics = watch(20);
    createService();
    // The fourth endpoint is not ready (a terminating pod): not a backend to probe.
    client.resource(slice("web-abc12", port, "127.0.0.1/web-0/true", "127.0.0.2/web-1/true",
        "127.0.0.3/web-2/true", "127.0.0.4/web-3/false")).inNamespace("ns").create();

    // Ground truth from the handshakes themselves: .3 serves the old leaf, .1 the new one.
    var served = new HandshakeServedCertificates(Map.of());
    assertThat(served.servedFingerprint("127.0.0.3:" + port).orElseThrow().replace(":", ""))
        .isEqualToIgnoringCase(OLD.fingerprint());
    assertThat(served.servedFingerprint("127.0.0.1:" + port).orElseThrow().replace(":", ""))
        .isEqualToIgnoringCase(NEW.fingerprint());

    String backends = "sockscope_tls_secret_backends{namespace=\"ns\",secret=\"web-tls\",serving=";
    String third = "127.0.0.3:" + port + ",web.ns.svc";
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape(metrics))
        .contains(backends + "\"current\"} 2.0")
        .contains(backends + "\"other\"} 1.0")
        .contains(backends + "\"unknown\"} 0.0"));
    String text = scrape(metrics);
    assertThat(text)
        .contains("sockscope_tls_served_cert_matches_secret{secret=\"web-tls\",target=\"" + third + "\"} 0.0")
        .contains("sockscope_tls_served_cert_matches_secret{secret=\"web-tls\",target=\"127.0.0.1:"
            + port + ",web.ns.svc\"} 1.0")
        .contains("sockscope_tls_backend_info{backend_pod=\"web-2\",service=\"web.ns.svc:443\",target=\""
            + third + "\"} 1.0")
        .contains("sockscope_tls_target_owner_info{owner=\"team-payments\",target=\"" + third + "\"} 1.0")
        .contains("sockscope_tls_target_owner_info{owner=\"team-payments\",target=\"web.ns.svc:443\"} 1.0")
        .doesNotContain("127.0.0.4")
        .contains("sockscope_series_cut{family=\"sockscope_tls_backend_info\"} 0.0");

    // The third pod restarts with the renewed certificate: 3 of 3.
    replicas.get(2).serve(NEW);
    assertThat(scrape(metrics)).contains(backends + "\"current\"} 3.0")
        .contains(backends + "\"other\"} 0.0");

    // A replica leaves (its endpoint is removed): the backends follow the slice.
    client.resource(slice("web-abc12", port, "127.0.0.1/web-0/true", "127.0.0.2/web-1/true"))
        .inNamespace("ns").update();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape(metrics))
        .contains(backends + "\"current\"} 2.0").doesNotContain(third));
  }

  @Test
  void theCapKeepsTheFirstBackendsByPodAndCountsTheRest() throws Exception {
    List<TestTlsServer> replicas = threeReplicas(NEW, NEW, OLD);
    MetricsRegistry metrics = watch(2);
    createService();
    client.resource(slice("web-abc12", replicas.getFirst().port(), "127.0.0.3/web-2/true",
        "127.0.0.1/web-0/true", "127.0.0.2/web-1/true")).inNamespace("ns").create();
    String backends = "sockscope_tls_secret_backends{namespace=\"ns\",secret=\"web-tls\",serving=";
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape(metrics))
        .contains(backends + "\"current\"} 2.0")
        .contains(backends + "\"other\"} 0.0")
        .contains("sockscope_series_cut{family=\"sockscope_tls_backend_info\"} 1.0")
        .contains("backend_pod=\"web-0\"").contains("backend_pod=\"web-1\"").doesNotContain("backend_pod=\"web-2\""));
  }

  static String scrape(MetricsRegistry metrics) {
    return StoredVsServedTest.scrape(metrics);
  }
}
