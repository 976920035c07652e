package io.sockscope.kubernetes;

import io.sockscope.peers.PeerNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.tls.ProbeSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubernetesWatchTest {
  static final Duration WITHIN = Duration.ofSeconds(2);

  KubernetesMockServer server;
  KubernetesClient client;
  // The agent's own client (JDK HTTP, lean deserializer) against the mock API server.
  KubernetesClient lean;
  KubernetesWatch watch;
  MetricsRegistry metrics;

  @BeforeEach
  void start() {
    lean = KubernetesClients.create(client.getConfiguration());
    watch = KubernetesWatch.start(lean, "ns", EnumSet.allOf(WatchedResource.class));
    metrics = new MetricsRegistry(BuildInfo.load());
    KubernetesCollector.bind(watch, () -> ServedCertificates.NONE, metrics);
    // Six informers on a loaded two-core machine: a generous bound.
    await().atMost(Duration.ofSeconds(15))
        .until(() -> watch.health().stream().allMatch(InformerHealth::synced));
  }

  @AfterEach
  void stop() {
    watch.close();
    metrics.close();
    lean.close();
  }

  String scrape() {
    return new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
  }

  static Service service(String name, String clusterIp, String portName, int port) {
    return new ServiceBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
        .withNewSpec().withClusterIP(clusterIp).addNewPort().withName(portName).withPort(port)
        .withProtocol("TCP").endPort().endSpec().build();
  }

  static Secret tlsSecret(String name, TestCertificates cert) throws Exception {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata()
        .withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", cert.tlsCrt(), "tls.key", cert.tlsKey())).build();
  }

  @Test
  void servicesAddChangeAndRemoveTargets() {
    List<List<DiscoveredTarget>> seen = new CopyOnWriteArrayList<>();
    watch.targets().onChange(seen::add);

    client.services().inNamespace("ns").resource(service("plain", "10.0.0.9", "http", 80)).create();
    long t0 = System.nanoTime();
    client.services().inNamespace("ns").resource(service("web", "10.0.0.10", "https", 443)).create();
    await().atMost(WITHIN).pollInterval(Duration.ofMillis(5))
        .until(() -> !watch.targets().current().isEmpty());
    System.out.printf("KubernetesWatchTest: Service create -> target in %.1f ms%n",
        (System.nanoTime() - t0) / 1e6);
    assertThat(watch.targets().current()).extracting(DiscoveredTarget::address)
        .containsExactly("web.ns.svc:443");

    client.services().inNamespace("ns").withName("web").edit(s -> new ServiceBuilder(s)
        .editSpec().editFirstPort().withPort(8443).endPort().endSpec().build());
    await().atMost(WITHIN).untilAsserted(() -> assertThat(watch.targets().current())
        .extracting(DiscoveredTarget::address).containsExactly("web.ns.svc:8443"));

    client.services().inNamespace("ns").withName("web").delete();
    await().atMost(WITHIN).until(() -> watch.targets().current().isEmpty());
    assertThat(seen.getFirst()).isEmpty(); // the snapshot at subscription
    assertThat(seen.getLast()).isEmpty();
    assertThat(seen).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void ingressTlsHostsAreTargetsWithTheirSecret() {
    client.network().v1().ingresses().inNamespace("ns").resource(new IngressBuilder()
        .withNewMetadata().withName("site").withNamespace("ns").endMetadata()
        .withNewSpec().addNewTl().withHosts("a.example.com").withSecretName("a-tls").endTl()
        .endSpec().build()).create();
    await().atMost(WITHIN).untilAsserted(() -> assertThat(watch.targets().current())
        .containsExactly(new DiscoveredTarget("a.example.com", 443, "a.example.com", ProbeSource.INGRESS, null, "ns", "a-tls")));
    assertThat(watch.targets().counts())
        .isEqualTo(Map.of(ProbeSource.INGRESS, 1, ProbeSource.SERVICE, 0, ProbeSource.BACKEND, 0));

    client.network().v1().ingresses().inNamespace("ns").withName("site").edit(i ->
        new IngressBuilder(i).editSpec().editFirstTl().withHosts("b.example.com")
            .withSecretName("b-tls").endTl().endSpec().build());
    await().atMost(WITHIN).untilAsserted(() -> assertThat(watch.targets().current())
        .containsExactly(new DiscoveredTarget("b.example.com", 443, "b.example.com", ProbeSource.INGRESS, null, "ns", "b-tls")));

    client.network().v1().ingresses().inNamespace("ns").withName("site").delete();
    await().atMost(WITHIN).until(() -> watch.targets().current().isEmpty());
  }

  @Test
  void tlsSecretsAddChangeAndRemoveInventorySeries() throws Exception {
    Instant notAfterA = Instant.parse("2027-03-01T12:00:00Z");
    Instant notAfterB = Instant.parse("2027-09-15T08:30:00Z");
    var a = TestCertificates.create("a.example.com", Instant.parse("2026-03-01T12:00:00Z"), notAfterA);
    var b = TestCertificates.create("a.example.com", Instant.parse("2026-09-15T08:30:00Z"), notAfterB);
    String series = "sockscope_tls_secret_cert_not_after_timestamp_seconds{namespace=\"ns\",secret=\"a-tls\"} ";

    client.secrets().inNamespace("ns").resource(tlsSecret("a-tls", a)).create();
    await().atMost(WITHIN).until(() -> scrape().contains(series + (double) notAfterA.getEpochSecond()));
    assertThat(watch.secrets().get("a-tls")).get()
        .extracting(SecretCert::fingerprintSha256).isEqualTo(a.fingerprint());

    client.secrets().inNamespace("ns").resource(tlsSecret("a-tls", b)).update();
    await().atMost(WITHIN).until(() -> scrape().contains(series + (double) notAfterB.getEpochSecond()));

    client.secrets().inNamespace("ns").withName("a-tls").delete();
    await().atMost(WITHIN).until(() -> !scrape().contains("secret=\"a-tls\""));
  }

  @Test
  void otherSecretTypesAreNotInventoried() throws Exception {
    var a = TestCertificates.create("x", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2027-01-01T00:00:00Z"));
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("opaque").withNamespace("ns").endMetadata().withType("Opaque")
        .withData(Map.of("tls.crt", a.tlsCrt())).build()).create();
    client.secrets().inNamespace("ns").resource(tlsSecret("real", a)).create();
    await().atMost(WITHIN).until(() -> watch.secrets().get("real").isPresent());
    assertThat(watch.secrets().all()).extracting(SecretCert::secret).containsExactly("real");
  }

  @Test
  void peerNamesFromClusterIpsAndEndpointSlices() {
    client.services().inNamespace("ns").resource(service("api", "10.96.0.20", "http", 80)).create();
    client.discovery().v1().endpointSlices().inNamespace("ns").resource(new EndpointSliceBuilder()
        .withNewMetadata().withName("api-x7k2").withNamespace("ns")
        .addToLabels("kubernetes.io/service-name", "api").endMetadata()
        .withAddressType("IPv4")
        .addNewEndpoint().withAddresses("10.244.1.7").endEndpoint()
        .addNewEndpoint().withAddresses("fd00::7").endEndpoint().build()).create();

    PeerNames names = watch.peerNames();
    await().atMost(WITHIN).until(() -> names.nameOf("10.244.1.7").isPresent());
    assertThat(names.nameOf("10.96.0.20")).contains("api.ns");
    assertThat(names.nameOf("10.244.1.7")).contains("api.ns");
    assertThat(names.nameOf("fd00:0:0:0:0:0:0:7")).contains("api.ns");
    assertThat(names.nameOf("::ffff:10.244.1.7")).contains("api.ns");
    assertThat(names.nameOf("10.1.2.3")).isEmpty();
    assertThat(names.nameOf("not-an-ip")).isEmpty();

    client.discovery().v1().endpointSlices().inNamespace("ns").withName("api-x7k2").edit(e ->
        new EndpointSliceBuilder(e).withEndpoints(new io.fabric8.kubernetes.api.model.discovery.v1
            .EndpointBuilder().withAddresses("10.244.2.9").build()).build());
    await().atMost(WITHIN).until(() -> names.nameOf("10.244.2.9").isPresent());
    assertThat(names.nameOf("10.244.1.7")).isEmpty();

    client.discovery().v1().endpointSlices().inNamespace("ns").withName("api-x7k2").delete();
    await().atMost(WITHIN).until(() -> names.nameOf("10.244.2.9").isEmpty());
    assertThat(names.nameOf("10.96.0.20")).contains("api.ns");
    client.services().inNamespace("ns").withName("api").delete();
    await().atMost(WITHIN).until(() -> names.nameOf("10.96.0.20").isEmpty());
  }

  @Test
  void watchSyncedSeriesAndReadiness() {
    assertThat(watch.ready()).isTrue();
    String text = scrape();
    for (WatchedResource r : WatchedResource.values()) {
      assertThat(text).contains("sockscope_kubernetes_watch_synced{resource=\"" + r.label() + "\"} 1.0");
      assertThat(text).contains(
          "sockscope_kubernetes_errors_total{reason=\"forbidden\",resource=\"" + r.label() + "\"} 0.0");
    }
  }
}
