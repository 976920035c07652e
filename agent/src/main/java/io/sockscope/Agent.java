package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sockscope.config.Durations;
import io.sockscope.config.Role;
import io.sockscope.config.TlsTargetConfig;
import io.sockscope.demo.DemoWorkload;
import io.sockscope.http.HttpServer;
import io.sockscope.http.StatusPage;
import io.sockscope.kubernetes.KubernetesWatch;
import io.sockscope.kubernetes.PodIdentity;
import io.sockscope.kubernetes.ServedCertificates;
import io.sockscope.kubernetes.WatchedResource;
import io.sockscope.metrics.SocketMetrics;
import io.sockscope.metrics.SocketStatus;
import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
  private SocketSampler sampler;
  private KubernetesWatch kubernetes; // null unless the role watches the namespace
  private volatile ServedCertificates servedCertificates = ServedCertificates.NONE;

  private Agent(AgentConfig config) {
    this.config = config;
    this.metrics = new MetricsRegistry(BuildInfo.load());
    closeables.push(metrics);
  }

  /** Starts every component of {@code config.role()} and the HTTP server. */
  public static Agent start(AgentConfig config, boolean demo) {
    DemoWorkload workload = null;
    if (demo) {
      workload = startDemo();
      config = config.withTls(workload.endpoints().stream()
          .map(e -> new TlsTargetConfig(e.address(), e.serverName(), null, null, null, null)).toList(),
          List.of(workload.caFile().toString())).validate();
    }
    Agent agent = new Agent(config);
    if (workload != null) {
      agent.closeables.push(workload);
    }
    try {
      agent.startComponents(demo);
      agent.http =
          HttpServer.start(
              "0.0.0.0",
              config.port(),
              new HttpServer.Services(agent.metrics, agent.readiness, agent.snapshot,
                  new StatusPage(BuildInfo.load().version(), agent::statusSections)));
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
    if (config.sockets().enabled() && config.role() != Role.INJECTOR) {
      startSockets();
    }
    startKubernetes();
    startInjector();
  }

  /** {@code --role injector}: the HTTPS admission webhook beside the usual HTTP port. */
  private void startInjector() {
    if (config.role() != Role.INJECTOR) {
      return;
    }
    try {
      var webhook =
          io.sockscope.injector.WebhookServer.start("0.0.0.0", config.injector(), metrics.meters());
      closeables.push(webhook);
      logger.log(Level.INFO, "sidecar injector: https://0.0.0.0:" + webhook.port() + "/mutate");
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new StartupException("cannot start the injector webhook: " + e.getMessage(), e);
    }
  }

  /**
   * Namespace-scoped informers (docs/kubernetes.md): discovery and the TLS Secret inventory in the
   * namespace prober, peer names in the sidecar. Never waits for the API server: informers retry
   * in the background, and readiness waits for the required ones only.
   *
   * <p>Connections to the other components: the TLS scheduler subscribes with
   * {@code kubernetes.onTargets(list -> ...)} (full snapshot per change; the sources are
   * service and ingress) and takes {@code kubernetes.targets().counts()} for
   * sockscope_discovery_targets; {@link #servedCertificates} answers with the prober's last
   * served leaf fingerprint per target. The socket sampler names its peers here.
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
    if (sampler != null && plan.contains(WatchedResource.ENDPOINTSLICES)) {
      var names = kubernetes.peerNames();
      sampler.setPeerNamer(ip -> names.nameOf(ip).orElse(ip));
    }
    logger.log(Level.INFO, "kubernetes: watching "
        + plan.stream().map(WatchedResource::label).toList() + " in namespace " + identity.namespace() + " at " + client.getMasterUrl()
        + (identity.podName() == null ? "" : " as pod " + identity.podName()));
  }

  private void startSockets() {
    Path procRoot = Path.of(config.procRoot());
    SocketSource source = openSource(procRoot);
    SocketMetrics socketMetrics = new SocketMetrics(() -> sampler.snapshot(), metrics.meters(), source.name());
    var s = config.sockets();
    sampler = new SocketSampler(source,
        new SocketSampler.Settings(procRoot, s.counterInterval(), s.dumpInterval(), s.topPeers(), s.earlyDumpJump()),
        socketMetrics);
    socketMetrics.bindCounters(sampler);
    metrics.register(socketMetrics);
    closeables.push(sampler);
    readiness.require("first socket dump", sampler::ready);
    snapshot.put("sockets", () -> SocketStatus.json(sampler.snapshot()));
    sampler.start();
    logger.log(Level.INFO, "sampling TCP sockets with " + source.name() + " every "
        + Durations.format(s.dumpInterval()) + " (counters every " + Durations.format(s.counterInterval()) + ")");
  }

  /** The configured socket source; {@code auto} prefers netlink and falls back to procfs. */
  private SocketSource openSource(Path procRoot) {
    try {
      KernelCounters.read(procRoot);
      new ProcfsSource(procRoot).dump(0, row -> {});
    } catch (java.io.IOException e) {
      throw new StartupException("cannot read the socket tables under " + procRoot + ": " + e.getMessage());
    }
    return new ProcfsSource(procRoot);
  }

  private static DemoWorkload startDemo() {
    try {
      Path dir = java.nio.file.Files.createTempDirectory("sockscope-demo");
      DemoWorkload w = DemoWorkload.start(dir);
      logger.log(Level.INFO, "demo workload running: TIME_WAIT, peer closes and a CLOSE_WAIT leak on 127.0.0.1; "
          + "TLS endpoints " + w.endpoints());
      return w;
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      throw new StartupException("cannot start the demo workload: " + e.getMessage(), e);
    }
  }

  /** The status page's sections; each component adds its own. */
  private List<StatusPage.Section> statusSections() {
    List<StatusPage.Section> out = new ArrayList<>();
    if (sampler != null) {
      out.add(StatusSections.sockets(sampler));
    }
    if (kubernetes != null) {
      out.add(KubernetesStatus.section(kubernetes));
    }
    return out;
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
