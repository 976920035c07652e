package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sockscope.http.HttpServer;
import io.sockscope.kubernetes.KubernetesWatch;
import io.sockscope.kubernetes.PodIdentity;
import io.sockscope.kubernetes.ServedCertificates;
import io.sockscope.kubernetes.WatchedResource;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.MetricsRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Wiring and lifecycle: builds the components the role needs, serves them on one port, and stops
 * them in reverse order (SIGTERM must finish within 2 s).
 */
public final class Agent implements AutoCloseable {
  private static final Logger logger = System.getLogger(Agent.class.getName());

  private final AgentConfig config;
  private final MetricsRegistry metrics;
  private final Readiness readiness = new Readiness();
  private final Map<String, Supplier<Object>> snapshot = new LinkedHashMap<>();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private HttpServer http;
  private KubernetesWatch kubernetes; // null unless the role watches the namespace
  private volatile ServedCertificates servedCertificates = ServedCertificates.NONE;

  private Agent(AgentConfig config) {
    this.config = config;
    this.metrics = new MetricsRegistry(BuildInfo.load());
    closeables.push(metrics);
  }

  /** Starts every component of {@code config.role()} and the HTTP server. */
  public static Agent start(AgentConfig config, boolean demo) {
    Agent agent = new Agent(config);
    try {
      agent.startComponents(demo);
      agent.http =
          HttpServer.start(
              "0.0.0.0",
              config.port(),
              new HttpServer.Services(agent.metrics, agent.readiness, agent.snapshot, () -> "<!doctype html><title>sockscope</title>"));
      agent.closeables.push(agent.http);
    } catch (RuntimeException e) {
      agent.close();
      if (e instanceof StartupException) {
        throw e;
      }
      throw new StartupException(describe(e), e);
    }
    logger.log(
        Level.INFO,
        "sockscope started: role " + config.role().flag() + ", http://0.0.0.0:" + agent.http.port() + "/metrics");
    return agent;
  }

  private void startComponents(boolean demo) {
    // sockets, tls, kubernetes and the injector are wired here, each in its own method
    startKubernetes();
  }

  /**
   * Namespace-scoped informers (docs/kubernetes.md): discovery and the TLS Secret inventory in the
   * namespace prober, peer names in the sidecar. Never waits for the API server: informers retry
   * in the background, and readiness waits for the required ones only.
   *
   * <p>Connections to the other components: the TLS scheduler subscribes with
   * {@code kubernetes.targets().onChange(list -> ...)} (full snapshot per change; the sources are
   * service and ingress) and takes {@code kubernetes.targets().counts()} for
   * sockscope_discovery_targets; {@link #servedCertificates} answers with the prober's last
   * served leaf fingerprint per target; the socket sampler names peers with
   * {@code kubernetes.peerNames()}.
   */
  private void startKubernetes() {
    Set<WatchedResource> plan = WatchedResource.planFor(config.role(), config.kubernetes());
    if (plan.isEmpty()) {
      return;
    }
    PodIdentity identity = PodIdentity.fromEnvironment(config.kubernetes().namespace());
    // Fabric8 auto-configuration: in-cluster service account, KUBECONFIG, or KUBERNETES_MASTER.
    KubernetesClient client = new KubernetesClientBuilder().build();
    closeables.push(client);
    kubernetes = KubernetesWatch.start(client, identity.namespace(), plan);
    closeables.push(kubernetes);
    metrics.register(new KubernetesCollector(kubernetes, () -> servedCertificates));
    readiness.require("kubernetes", kubernetes::ready);
    snapshot.put("kubernetes", kubernetes::describe);
    logger.log(Level.INFO, "kubernetes: watching " + plan.stream().map(WatchedResource::label).toList()
        + " in namespace " + identity.namespace() + " at " + client.getMasterUrl()
        + (identity.podName() == null ? "" : " as pod " + identity.podName()));
  }

  private static String describe(RuntimeException e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t instanceof java.net.BindException) {
      return "cannot listen on the HTTP port: " + t.getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  public int port() {
    return http.port();
  }

  public MetricsRegistry metrics() {
    return metrics;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** The namespace watch, or null when this role does not watch Kubernetes. */
  public KubernetesWatch kubernetes() {
    return kubernetes;
  }

  @Override
  public synchronized void close() {
    while (!closeables.isEmpty()) {
      AutoCloseable c = closeables.pop();
      try {
        c.close();
      } catch (Exception e) {
        logger.log(Level.WARNING, "stopping " + c.getClass().getSimpleName() + ": " + e);
      }
    }
  }
}
