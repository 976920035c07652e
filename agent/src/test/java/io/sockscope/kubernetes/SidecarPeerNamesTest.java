package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockscope.metrics.SocketMetrics;
import io.sockscope.peers.KubeletAtomicWriter;
import io.sockscope.peers.PeerNameFile;
import io.sockscope.peers.PeerNameTable;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSampler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer names end to end, without API access in the sidecar: the namespace prober's watch
 * (Fabric8's mock API server, CRUD) publishes the table into a ConfigMap; a stand-in kubelet copies
 * that ConfigMap into a volume directory with the kubelet's atomic writer ({@code ..data} swap);
 * the sidecar's file reader and a real socket sampler over this process's /proc, with real
 * loopback connections toward a Service ClusterIP (Linux routes all of 127/8 to lo), label the
 * peer with the Service's name once the Service is created.
 */
@EnableKubernetesMockClient(crud = true)
class SidecarPeerNamesTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path volume;

  @Test
  void aServiceCreatedInTheNamespaceNamesTheSidecarsPeers() throws Exception {
    InetAddress clusterIp = InetAddress.getByAddress(new byte[] {127, 0, 0, 77});
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SocketSampler[] holder = new SocketSampler[1];
    SocketMetrics metrics = new SocketMetrics(() -> holder[0].snapshot(), registry, "procfs");
    // Top-K large enough that this test's peer is never folded into "other" on a busy machine.
    var settings = new SocketSampler.Settings(Path.of("/proc"), Duration.ofMillis(200),
        Duration.ofMillis(300), 100_000, 0.2);
    KubeletAtomicWriter kubelet = new KubeletAtomicWriter(volume);
    List<Socket> sockets = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 50, clusterIp);
        KubernetesWatch prober = KubernetesWatch.start(client, "ns",
            EnumSet.of(WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.ENDPOINTSLICES));
        PeerNameFile names = new PeerNameFile(volume.resolve(PeerNameTable.KEY), Duration.ofMillis(100)).start();
        SocketSampler sampler = new SocketSampler(new ProcfsSource(Path.of("/proc")), settings, metrics)) {
      PeerNamePublisher publisher = prober.publishPeerNames(client, "sockscope-peer-names", 1000);
      holder[0] = sampler;
      registry.getPrometheusRegistry().register(metrics);
      sampler.setPeerNamer(ip -> names.nameOf(ip).orElse(ip)); // what the sidecar's sockets feature does
      sampler.start();
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(clusterIp, listener.getLocalPort()), 2000);
        sockets.add(s);
        sockets.add(listener.accept());
      }
      String port = String.valueOf(listener.getLocalPort());
      // Before the Service: the peer is its IP (the published table is empty).
      await().atMost(Duration.ofSeconds(30)).until(() -> publisher.publishedEntries() == 0
          && configMap() != null);
      syncVolume(kubelet);
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(sampler.snapshot().peers()).anyMatch(p -> p.peer().equals("127.0.0.77")));

      client.services().inNamespace("ns")
          .resource(KubernetesWatchTest.service("api", "127.0.0.77", "http", 80)).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        ConfigMap cm = configMap();
        return cm != null && cm.getData().get(PeerNameTable.KEY).contains("127.0.0.77 api.ns");
      });
      syncVolume(kubelet); // the kubelet's next sync of the volume
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
          assertThat(sampler.snapshot().peers()).anySatisfy(p -> {
            assertThat(p.peer()).isEqualTo("api.ns");
            assertThat(p.port()).isEqualTo(port);
            assertThat(p.state()).isEqualTo("established");
            assertThat(p.count()).isEqualTo(3);
          }));
      assertThat(registry.scrape()).containsPattern(
          "sockscope_tcp_peer_sockets\\{peer=\"api\\.ns\",port=\"" + port + "\",role=\"client\",state=\"established\"} 3");
      assertThat(sampler.snapshot().peers()).noneMatch(p -> p.peer().equals("127.0.0.77"));
      assertThat(publisher.errors()).isZero();
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private ConfigMap configMap() {
    return client.configMaps().inNamespace("ns").withName("sockscope-peer-names").get();
  }

  private void syncVolume(KubeletAtomicWriter kubelet) throws java.io.IOException {
    ConfigMap cm = Objects.requireNonNull(configMap());
    kubelet.write(Map.copyOf(cm.getData()));
  }
}
