package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.HostPort;
import io.sockscope.config.TlsConfig;
import io.sockscope.config.TlsTargetConfig;
import io.sockscope.http.HttpServer;
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
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
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
              new HttpServer.Services(agent.metrics, agent.readiness, agent.snapshot, () -> "<!doctype html><title>sockscope</title>",
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

  private static ProbeTarget probeTarget(TlsTargetConfig t) {
    HostPort hp = HostPort.parse("tls.targets", t.address());
    return new ProbeTarget(hp.host(), hp.port(), t.serverName(),
        t.caFile() == null ? List.of() : List.of(Path.of(t.caFile())),
        t.clientCert() == null ? null : Path.of(t.clientCert()),
        t.clientKey() == null ? null : Path.of(t.clientKey()),
        t.interval(), "static");
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
