package io.sockscope.helm;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * One mock API for every Helm call of the test JVM, so that {@code lookup} (which helm-java's
 * template dials, unlike {@code helm template}) finds a cluster and whatever objects a test creates
 * in it. Helm reads {@code $KUBECONFIG}, which surefire sets for the whole JVM (Go copies the
 * environment at process start, so it cannot be set later); the file itself exists only during a
 * Helm call ({@link #call}), so Fabric8's auto-configuration in other tests never finds it.
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
      Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    }
    return cluster;
  }

  /** Runs a Helm call with the kubeconfig file in place, and removes it afterwards. */
  static synchronized <T> T call(Supplier<T> helmCall) {
    String env = System.getenv("KUBECONFIG");
    if (env == null || env.isBlank()) {
      throw new IllegalStateException("KUBECONFIG is not set (agent/pom.xml sets it for surefire)");
    }
    Path file = Path.of(env);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, get().kubeconfig());
      return helmCall.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // best effort; the next call overwrites it
      }
    }
  }
}
