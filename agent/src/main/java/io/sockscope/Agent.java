package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.Durations;
import io.sockscope.config.Role;
import io.sockscope.metrics.SocketMetrics;
import io.sockscope.config.SocketsConfig;
import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.NetlinkSockDiag;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSource;
import java.nio.file.Path;
import io.sockscope.http.HttpServer;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.MetricsRegistry;
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
  private SocketSampler sampler;

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
    if (config.sockets().enabled() && config.role() != Role.INJECTOR) {
      startSockets();
    }
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
    snapshot.put("sockets", () -> sampler.snapshot());
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
    try {
      new ProcfsSource(procRoot).dump(0, row -> {});
    } catch (java.io.IOException e) {
      throw new StartupException("cannot read the socket tables under " + procRoot + ": " + e.getMessage());
    }
    return new ProcfsSource(procRoot);
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
