package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.CertificateFileConfig;
import io.sockscope.config.TlsTargetConfig;
import io.sockscope.demo.DemoWorkload;
import io.sockscope.http.HttpServer;
import io.sockscope.http.StatusPage;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.tls.ProbeScheduler;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * Lifecycle: starts the features of the role ({@link Roles}) in order, serves them on one port,
 * and stops everything in reverse order (SIGTERM must finish within 2 s). No wiring here: what a
 * feature needs from another, {@link Roles} hands it.
 */
public final class Agent implements AutoCloseable {
  private static final Logger logger = System.getLogger(Agent.class.getName());

  private final BuildInfo build = BuildInfo.load();
  private final MetricsRegistry metrics = new MetricsRegistry(build);
  private final FeatureHost host = new FeatureHost(metrics);
  private TlsFeature tls;
  private HttpServer http;

  private Agent() {
    host.closeOnStop(metrics);
  }

  /** Starts every feature of {@code config.role()} and the HTTP server. */
  public static Agent start(AgentConfig config, boolean demo) {
    io.sockscope.tls.ChainLimit.apply(config.tls().maxChainLength()); // before any TLS context
    SocketsFeature.prepare(config); // netlink linking overlaps the rest of the start-up
    Agent agent = new Agent();
    try {
      if (demo) {
        DemoWorkload workload = agent.host.closeOnStop(startDemo());
        config = config.withTls(workload.endpoints().stream()
            .map(e -> new TlsTargetConfig(e.address(), e.serverName(), null, null, null, null, null)).toList(),
            List.of(workload.caFile().toString()));
        var f = workload.certificateFile();
        config = config.withCertificateFiles(List.of(new CertificateFileConfig(f.file().toString(),
            f.secret(), f.key(), f.port(), f.serverName(), null, null, null)),
            f.published().toString()).validate();
      }
      List<Feature> features = Roles.features(config);
      for (Feature f : features) {
        if (f instanceof TlsFeature t) {
          agent.tls = t;
        }
        f.start(agent.host);
      }
      agent.http = agent.host.closeOnStop(HttpServer.start(Roles.http(config), config.bindAddress(), config.port(),
          new HttpServer.Services(agent.metrics, agent.host.readiness(), agent.host.snapshotSections(),
              new StatusPage(agent.build.version(), agent.host::statusSections),
              agent.host.probe().orElse(null))));
    } catch (RuntimeException e) {
      agent.close();
      if (e instanceof StartupException) {
        throw e;
      }
      throw new StartupException(describe(e), e);
    }
    String bind = config.bindAddress();
    logger.log(Level.INFO, "sockscope started: role " + config.role().flag() + ", http://"
        + io.sockscope.util.HostPortText.format(bind, agent.http.port()) + "/metrics");
    return agent;
  }

  private static DemoWorkload startDemo() {
    try {
      Path dir = Files.createTempDirectory("sockscope-demo");
      DemoWorkload w = DemoWorkload.start(dir);
      logger.log(Level.INFO, "demo workload running: TIME_WAIT, peer closes and a CLOSE_WAIT leak on 127.0.0.1; "
          + "TLS endpoints " + w.endpoints());
      return w;
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupException("cannot start the demo workload: " + e.getMessage(), e);
    }
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
    return host.readiness();
  }

  /**
   * The TLS scheduler: {@code setTargets(ProbeSource.PEER | SERVICE | INGRESS, targets)} feeds it,
   * {@code summaries()} gives the status page's rows.
   */
  public ProbeScheduler tlsScheduler() {
    return tls.scheduler();
  }

  @Override
  public synchronized void close() {
    host.closeAll(logger);
  }
}
