package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.sockscope.config.HostPort;
import io.sockscope.config.TlsConfig;
import io.sockscope.config.TlsTargetConfig;
import io.sockscope.config.Durations;
import io.sockscope.config.Role;
import io.sockscope.demo.DemoWorkload;
import io.sockscope.http.HttpServer;
import io.sockscope.http.StatusPage;
import io.sockscope.kubernetes.KubernetesClients;
import io.sockscope.kubernetes.KubernetesWatch;
import io.sockscope.kubernetes.PodIdentity;
import io.sockscope.kubernetes.ServedCertificates;
import io.sockscope.kubernetes.WatchedResource;
import io.sockscope.metrics.SocketMetrics;
import io.sockscope.config.SocketsConfig;
import io.sockscope.metrics.SocketStatus;
import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.NetlinkSockDiag;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.KubernetesCollector;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.metrics.ProbeEndpoint;
import io.sockscope.metrics.TlsMetrics;
import io.sockscope.tls.AdhocProbe;
import io.sockscope.tls.AllowList;
import io.sockscope.tls.ProbeScheduler;
import io.sockscope.tls.CertificateFacts;
import io.sockscope.tls.ProbeResult;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.TargetState;
import io.sockscope.kubernetes.TargetSource;
import io.sockscope.tls.TlsProber;
import io.sockscope.tls.TrustAnchors;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.time.Clock;
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
  private ProbeScheduler tls;
  private ProbeEndpoint probeEndpoint;
  private SocketSampler sampler;
  private KubernetesWatch kubernetes; // null unless the role watches the namespace
  private volatile ServedCertificates servedCertificates = ServedCertificates.NONE;

  private final BuildInfo build = BuildInfo.load();

  private Agent(AgentConfig config) {
    this.config = config;
    this.metrics = new MetricsRegistry(build);
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
                  new StatusPage(agent.build.version(), agent::statusSections),
                  agent.probeEndpoint));
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
    startTls();
    startKubernetes();
    connectTlsToKubernetes();
    connectTlsToPeers();
    startInjector();
  }

  /**
   * TLS probes: static targets from the configuration and flags; other sources (peer, service,
   * ingress) call {@code tlsScheduler().setTargets(source, ...)}. Probes never affect readiness.
   */
  private void startTls() {
    TlsConfig c = config.tls();
    TrustAnchors anchors;
    try {
      anchors = TrustAnchors.load(c.caFiles().stream().map(Path::of).toList(), TrustAnchors.SERVICE_ACCOUNT_CA);
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupException("tls.caFiles: cannot load trust anchors: " + e.getMessage(), e);
    }
    TlsProber prober = new TlsProber(anchors, Clock.systemUTC());
    closeables.push(prober);
    tls = new ProbeScheduler(prober::probe, c.interval(), c.timeout(), c.concurrency(), Clock.systemUTC());
    closeables.push(tls);
    TlsMetrics.bind(tls, metrics);
    List<ProbeTarget> targets = c.targets().stream().map(Agent::probeTarget).toList();
    tls.setTargets("static", targets);
    snapshot.put("tls", tls::summaries);
    probeEndpoint = new ProbeEndpoint(new AdhocProbe(c.probeEndpoint().enabled(), prober, targets,
        AllowList.parse(c.probeEndpoint().allow()), c.timeout(), InetAddress::getByName));
    logger.log(Level.INFO, "TLS probes: " + targets.size() + " static target(s), " + anchors.size() + " trust anchors");
  }

  /** Files are checked here, at start-up (a one-line error), not at the first probe. */
  private static ProbeTarget probeTarget(TlsTargetConfig t) {
    HostPort hp = HostPort.parse("tls.targets", t.address());
    for (String f : java.util.Arrays.asList(t.caFile(), t.clientCert(), t.clientKey())) {
      if (f != null && !java.nio.file.Files.isReadable(Path.of(f))) {
        throw new StartupException("tls.targets (" + t.address() + "): cannot read '" + f + "'");
      }
    }
    return new ProbeTarget(hp.host(), hp.port(), t.serverName(),
        t.caFile() == null ? List.of() : List.of(Path.of(t.caFile())),
        t.clientCert() == null ? null : Path.of(t.clientCert()),
        t.clientKey() == null ? null : Path.of(t.clientKey()),
        t.interval(), "static");
  }

  /**
   * Kubernetes discovery feeds the scheduler (sources service and ingress, a full list per
   * change), and the "stored vs served" check reads the leaf fingerprint of the last handshake
   * that presented a certificate.
   */
  private void connectTlsToKubernetes() {
    if (kubernetes == null || tls == null) {
      return;
    }
    kubernetes.onTargets(list -> {
      for (TargetSource source : TargetSource.values()) {
        tls.setTargets(source.label(), list.stream()
            .filter(t -> t.source() == source)
            .map(t -> ProbeTarget.of(t.host(), t.port(), t.explicitServerName(), source.label()))
            .toList());
      }
    });
    servedCertificates = target -> tls.state(target)
        .map(TargetState::lastPresented)
        .flatMap(ProbeResult::leaf)
        .map(CertificateFacts::fingerprintSha256);
  }

  /**
   * Peer-derived targets (sidecar role by default): the remote endpoints this pod holds
   * ESTABLISHED client connections to on {@code tls.peerPorts}, refreshed after every dump. A
   * target stays while the pod talks to it; no SNI (the sampler knows IPs, not names).
   */
  private void connectTlsToPeers() {
    if (sampler == null || tls == null || !config.tls().peerTargetsFor(config.role())) {
      return;
    }
    sampler.watchPorts(java.util.Set.copyOf(config.tls().peerPorts()));
    java.util.concurrent.atomic.AtomicReference<List<String>> last = new java.util.concurrent.atomic.AtomicReference<>(List.of());
    sampler.subscribe(snap -> {
      if (!snap.clientEndpoints().equals(last.getAndSet(snap.clientEndpoints()))) {
        tls.setTargets("peer", snap.clientEndpoints().stream().map(hp -> {
          HostPort h = HostPort.parse("peer", hp);
          return ProbeTarget.of(h.host(), h.port(), null, "peer");
        }).toList());
      }
    });
    logger.log(Level.INFO, "TLS probes: peers on ports " + config.tls().peerPorts() + " become targets");
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
    KubernetesClient client = KubernetesClients.create();
    closeables.push(client);
    kubernetes = KubernetesWatch.start(client, identity.namespace(), plan,
        new KubernetesWatch.Settings(config.kubernetes().backendsPerService(),
            config.kubernetes().maxStoredCertificates()));
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

  /**
   * The configured socket source. {@code auto} prefers netlink and falls back to procfs; netlink
   * always shows the agent's own network namespace, so a procRoot other than /proc (another
   * process's view, a fixture tree) means procfs.
   */
  private SocketSource openSource(Path procRoot) {
    try {
      KernelCounters.read(procRoot);
    } catch (java.io.IOException e) {
      throw new StartupException("cannot read the socket tables under " + procRoot + ": " + e.getMessage());
    }
    SocketsConfig.SourceKind kind = config.sockets().source();
    if (kind == SocketsConfig.SourceKind.NETLINK) {
      try {
        return NetlinkSockDiag.open();
      } catch (java.io.IOException e) {
        throw new StartupException("sockets.source: netlink: " + e.getMessage());
      }
    }
    if (kind == SocketsConfig.SourceKind.AUTO && procRoot.equals(Path.of("/proc"))) {
      var netlink = NetlinkSockDiag.tryOpen();
      if (netlink.isPresent()) {
        return netlink.get();
      }
    }
    // Readable is enough here: the first dump follows at once and counts a malformed table.
    try (var in = java.nio.file.Files.newInputStream(procRoot.resolve("net/tcp"))) {
      in.read();
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
    if (tls != null) {
      out.add(StatusSections.tls(tls.summaries()));
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

  /**
   * The TLS scheduler: {@code setTargets("peer" | "service" | "ingress", targets)} feeds it,
   * {@code summaries()} gives the status page's rows.
   */
  public ProbeScheduler tlsScheduler() {
    return tls;
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
