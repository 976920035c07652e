package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
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
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * The API server says no: 403 on the optional Secrets (expectations override the CRUD store for
 * that one path), 410 Gone on a watch.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesFailureTest {
  static final EnumSet<WatchedResource> PROBER =
      EnumSet.of(WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.SECRETS);

  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void forbiddenSecretsLeaveTheRestRunningAndReadyAndAreCountedAndLoggedOnce() throws Exception {
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls&resourceVersion=0")
        .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden").withCode(403)
            .withMessage("secrets is forbidden: User \"system:serviceaccount:ns:sockscope\" cannot"
                + " list resource \"secrets\" in API group \"\" in the namespace \"ns\"").build())
        .always();
    client.services().inNamespace("ns")
        .resource(KubernetesWatchTest.service("web", "10.0.0.10", "https", 443)).create();

    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    // The agent's own client (JDK HTTP, lean deserializer) against the mock API server.
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns", PROBER);
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      KubernetesCollector.bind(watch, () -> ServedCertificates.NONE, metrics);
      await().atMost(Duration.ofSeconds(5)).until(watch::ready);
      assertThat(watch.targets().current()).extracting(DiscoveredTarget::address)
          .containsExactly("web.ns.svc:443");
      // Fabric8 retries after 1 s, then 2 s: wait for the second failure.
      await().atMost(Duration.ofSeconds(8)).until(() -> forbidden(watch) >= 2);
      assertThat(watch.ready()).isTrue();
      String text = new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
      assertThat(text)
          .contains("sockscope_kubernetes_watch_synced{resource=\"secrets\"} 0.0")
          .contains("sockscope_kubernetes_watch_synced{resource=\"services\"} 1.0")
          .containsPattern("sockscope_kubernetes_errors_total\\{reason=\"forbidden\",resource=\"secrets\"} [2-9]")
          .contains("sockscope_kubernetes_errors_total{reason=\"forbidden\",resource=\"services\"} 0.0");
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    System.err.print(log);
    assertThat(log.lines().filter(l -> l.contains("watch of secrets in namespace ns failed")))
        .hasSize(1)
        .allSatisfy(l -> assertThat(l).contains("forbidden"));
  }

  private static long forbidden(KubernetesWatch watch) {
    return forbidden(watch, WatchedResource.SECRETS);
  }

  private static long forbidden(KubernetesWatch watch, WatchedResource resource) {
    return watch.health().stream().filter(h -> h.resource() == resource)
        .findFirst().orElseThrow().errors().get(ErrorReason.FORBIDDEN);
  }

  @Test
  void aSidecarDeniedEndpointSlicesStaysReadyWithClusterIpNames() {
    server.expect().get()
        .withPath("/apis/discovery.k8s.io/v1/namespaces/ns/endpointslices?resourceVersion=0")
        .andReturn(403, new StatusBuilder().withStatus("Failure").withReason("Forbidden")
            .withCode(403).withMessage("endpointslices.discovery.k8s.io is forbidden").build())
        .always();
    client.services().inNamespace("ns")
        .resource(KubernetesWatchTest.service("api", "10.96.0.20", "http", 80)).create();

    // The agent's own client (JDK HTTP, lean deserializer) against the mock API server.
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns",
        EnumSet.of(WatchedResource.SERVICES, WatchedResource.ENDPOINTSLICES))) {
      await().atMost(Duration.ofSeconds(5))
          .until(() -> watch.peerNames().nameOf("10.96.0.20").isPresent());
      await().atMost(Duration.ofSeconds(5))
          .until(() -> forbidden(watch, WatchedResource.ENDPOINTSLICES) >= 1);
      assertThat(watch.ready()).isTrue();
      assertThat(watch.targets().current()).isEmpty(); // the sidecar discovers nothing
    }
  }

  @Test
  void anApiServerThatIsDownIsCountedLoggedOnceAndNeverThrows() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    var config = new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
        .withMasterUrl("http://127.0.0.1:" + closed).withRequestTimeout(1000)
        .withRequestRetryBackoffLimit(0).build(); // the agent keeps Fabric8's request retries (~19 s)
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (KubernetesClient down = KubernetesClients.create(config);
        KubernetesWatch watch = KubernetesWatch.start(down, "ns", PROBER)) {
      await().atMost(Duration.ofSeconds(8)).until(() -> watch.health().stream().allMatch(h ->
          h.errors().get(ErrorReason.UNREACHABLE) >= 2));
      assertThat(watch.ready()).isFalse();
      assertThat(watch.targets().current()).isEmpty();
    } finally {
      System.setErr(err);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    System.err.print(log);
    for (WatchedResource r : PROBER) {
      assertThat(log.lines().filter(l -> l.contains("watch of " + r.label() + " in namespace ns failed (unreachable")))
          .hasSize(1);
    }
  }

  @Test
  void aWatchAnsweredGoneReLists() {
    // First list (from the expectation): "old" at resourceVersion 5; the watch from 5 is Gone;
    // the re-list falls through to the CRUD store, which holds "new" only.
    server.expect().get().withPath("/api/v1/namespaces/ns/services?resourceVersion=0")
        .andReturn(200, new ServiceListBuilder().withNewMetadata().withResourceVersion("5").endMetadata()
            .addToItems(KubernetesWatchTest.service("old", "10.0.0.5", "https", 443)).build())
        .once();
    server.expect().get()
        .withPath("/api/v1/namespaces/ns/services?allowWatchBookmarks=true&resourceVersion=5&timeoutSeconds=600&watch=true")
        .andReturn(410, new StatusBuilder().withStatus("Failure").withReason("Expired").withCode(410)
            .withMessage("too old resource version: 5 (90)").build())
        .once();
    client.services().inNamespace("ns")
        .resource(KubernetesWatchTest.service("new", "10.0.0.6", "https", 443)).create();

    // The agent's own client (JDK HTTP, lean deserializer) against the mock API server.
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch watch = KubernetesWatch.start(lean, "ns", PROBER)) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(watch.targets().current())
          .extracting(DiscoveredTarget::address).containsExactly("new.ns.svc:443"));
      assertThat(watch.ready()).isTrue();
      // ...and it watches again: a change after the re-list arrives. Waiting for it also means no
      // watch event is in flight when the client closes: the mock server's close handler blocks
      // its event loop until pending sends finish, which a send waiting on that loop never does
      // (a 10 s "Unable to close MockWebServer" on a loaded CI machine, 2026-11-24).
      client.services().inNamespace("ns").resource(KubernetesWatchTest.service("newer", "10.0.0.7", "https", 443)).create();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(watch.targets().current())
          .extracting(DiscoveredTarget::address).containsExactlyInAnyOrder("new.ns.svc:443", "newer.ns.svc:443"));
    }
  }
}
