package io.sockscope.kubernetes;

import io.sockscope.peers.PeerNames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockscope.metrics.SocketMetrics;
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
import org.junit.jupiter.api.Test;

/**
 * The sidecar's sockets toward a Service ClusterIP carry {@code peer="svc.ns"}: a real socket
 * sampler over this process's /proc, real loopback connections, a Service in the mock API server
 * whose ClusterIP is a loopback address (Linux routes all of 127/8 to lo).
 */
@EnableKubernetesMockClient(crud = true)
class SidecarPeerNamesTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @Test
  void socketsTowardAServiceClusterIpAreNamedAfterTheService() throws Exception {
    InetAddress clusterIp = InetAddress.getByAddress(new byte[] {127, 0, 0, 77});
    client.services().inNamespace("ns")
        .resource(KubernetesWatchTest.service("api", "127.0.0.77", "http", 80)).create();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SocketSampler[] holder = new SocketSampler[1];
    SocketMetrics metrics = new SocketMetrics(() -> holder[0].snapshot(), registry, "procfs");
    // Top-K large enough that this test's peer is never folded into "other" on a busy machine.
    var settings = new SocketSampler.Settings(Path.of("/proc"), Duration.ofMillis(200),
        Duration.ofMillis(300), 100_000, 0.2);
    List<Socket> sockets = new ArrayList<>();
    try (ServerSocket listener = new ServerSocket(0, 50, clusterIp);
        KubernetesWatch watch = KubernetesWatch.start(client, "ns",
            EnumSet.of(WatchedResource.SERVICES, WatchedResource.ENDPOINTSLICES));
        SocketSampler sampler = new SocketSampler(new ProcfsSource(Path.of("/proc")), settings, metrics)) {
      holder[0] = sampler;
      registry.getPrometheusRegistry().register(metrics);
      PeerNames names = watch.peerNames();
      sampler.setPeerNamer(ip -> names.nameOf(ip).orElse(ip)); // what Agent.startKubernetes does
      sampler.start();
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(clusterIp, listener.getLocalPort()), 2000);
        sockets.add(s);
        sockets.add(listener.accept());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> names.nameOf("127.0.0.77").isPresent());
      String port = String.valueOf(listener.getLocalPort());
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(sampler.snapshot().peers()).anySatisfy(p -> {
            assertThat(p.peer()).isEqualTo("api.ns");
            assertThat(p.port()).isEqualTo(port);
            assertThat(p.state()).isEqualTo("established");
            assertThat(p.count()).isEqualTo(3);
          }));
      assertThat(registry.scrape()).containsPattern(
          "sockscope_tcp_peer_sockets\\{peer=\"api\\.ns\",port=\"" + port + "\",role=\"client\",state=\"established\"} 3");
      assertThat(sampler.snapshot().peers()).noneMatch(p -> p.peer().equals("127.0.0.77"));
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
