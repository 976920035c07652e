package io.sockscope;

import io.sockscope.config.AgentConfig;
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
    startInjector();
  }

  /** {@code --role injector}: the HTTPS admission webhook beside the usual HTTP port. */
  private void startInjector() {
    if (config.role() != io.sockscope.config.Role.INJECTOR) {
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
