package io.sockscope.http;

import io.sockscope.Readiness;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.metrics.ProbeEndpoint;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The one HTTP port of a process: {@code /metrics}, {@code /healthz}, {@code /readyz}, {@code /},
 * {@code /api/v1/snapshot} and {@code /probe}. Two implementations with the same routes
 * ({@link Routes}): the sidecar's and the local role's on the JDK's {@code com.sun.net.httpserver}
 * with the Prometheus client's {@code /metrics} handler, and Javalin in the namespace prober and the injector
 * (docs/architecture.md, "What each role loads").
 */
public interface HttpServer extends AutoCloseable {
  /** What the routes read: the registry, readiness and the sections of the JSON snapshot. */
  record Services(
      MetricsRegistry metrics,
      Readiness readiness,
      Map<String, Supplier<Object>> snapshot,
      StatusPage statusPage,
      ProbeEndpoint probe) {}

  /** Which server a role runs. */
  enum Kind {
    /** The JDK's HTTP server (no Jetty, no Javalin): the sidecar and the local role. */
    LEAN,
    /** Javalin on Jetty: the namespace prober and the injector. */
    JAVALIN
  }

  static HttpServer start(Kind kind, String host, int port, Services services) {
    return kind == Kind.LEAN
        ? LeanHttpServer.start(host, port, services)
        : JavalinHttpServer.start(host, port, services);
  }

  /** The bound port (useful with port 0). */
  int port();

  @Override
  void close();
}
