package io.sockscope.helm;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One mock API for every {@code helm template} of the test JVM: surefire sets {@code KUBECONFIG}
 * to target/helm-kubeconfig and this writes it, so {@code lookup} finds a cluster (and whatever
 * objects a test creates in it).
 */
final class SharedCluster {
  private static FakeCluster cluster;

  private SharedCluster() {}

  /** A mock API in CRUD mode (stores what is created) that also answers expectations. */
  static KubernetesMockServer crudServer() {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    return new KubernetesMockServer(new Context(), new MockWebServer(), responses,
        new KubernetesMixedDispatcher(responses), false);
  }

  static synchronized FakeCluster get() {
    if (cluster == null) {
      KubernetesMockServer server = crudServer();
      server.init();
      cluster = new FakeCluster(server, "1.33.0");
      String path = System.getenv("KUBECONFIG");
      if (path == null || path.isBlank()) {
        throw new IllegalStateException("KUBECONFIG is not set (agent/pom.xml sets it for surefire)");
      }
      try {
        Files.createDirectories(Path.of(path).toAbsolutePath().getParent());
        Files.writeString(Path.of(path), cluster.kubeconfig());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    }
    return cluster;
  }
}
