package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.HostPort;
import io.sockscope.config.TlsConfig;
import io.sockscope.config.TlsTargetConfig;
import io.sockscope.config.Durations;
import io.sockscope.config.Role;
import io.sockscope.demo.DemoWorkload;
import io.sockscope.metrics.SocketMetrics;
import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSource;
import java.nio.file.Path;
import io.sockscope.http.HttpServer;
import io.sockscope.http.StatusPage;
import io.sockscope.metrics.SocketStatus;
import java.util.ArrayList;
import java.util.List;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.metrics.ProbeEndpoint;
import io.sockscope.metrics.TlsMetrics;
import io.sockscope.tls.AdhocProbe;
import io.sockscope.tls.AllowList;
import io.sockscope.tls.ProbeScheduler;
import io.sockscope.tls.ProbeTarget;
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
                  new StatusPage(BuildInfo.load().version(), agent::statusSections),
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
    if (config.sockets().enabled() && config.role() != Role.INJECTOR) {
      startSockets();
    }
    startTls();
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
   * {@code summaries()} gives the status page's rows, {@code addListener} the served certificates.
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
