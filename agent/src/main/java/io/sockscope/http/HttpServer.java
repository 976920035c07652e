package io.sockscope.http;

import io.javalin.Javalin;
import io.sockscope.Readiness;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.metrics.ProbeEndpoint;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The one HTTP port: routes are a line each and call the services. */
public final class HttpServer implements AutoCloseable {
  /** Built on the first snapshot request, not at start-up: most agents never serve one. */
  private static final class Json {
    static final JsonMapper MAPPER =
        JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  }

  /** What the routes read: the registry, readiness and the sections of the JSON snapshot. */
  public record Services(
      MetricsRegistry metrics,
      Readiness readiness,
      Map<String, Supplier<Object>> snapshot,
      StatusPage statusPage,
      ProbeEndpoint probe) {}

  private final Javalin app;

  private HttpServer(Javalin app) {
    this.app = app;
  }

  public static HttpServer start(String host, int port, Services s) {
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              // A sidecar serves a scrape every few seconds: a handful of threads is plenty, and
              // each idle platform thread costs stack and RSS.
              QueuedThreadPool pool = new QueuedThreadPool(8, 2, 30_000);
              pool.setName("http");
              config.jetty.threadPool = pool;
              config.routes.get("/metrics", ctx -> {
                var scrape = s.metrics().scrape(ctx.header("Accept"));
                ctx.contentType(scrape.contentType()).result(scrape.body());
              });
              config.routes.get("/healthz", ctx -> ctx.result("ok\n"));
              config.routes.get("/readyz", ctx -> readyz(ctx, s.readiness()));
              config.routes.get("/api/v1/snapshot", ctx ->
                  ctx.contentType("application/json").result(snapshotJson(s.snapshot())));
              config.routes.get("/", ctx -> ctx.html(s.statusPage().render()));
              // async: a probe of a slow target never holds one of the few server threads
              config.routes.get("/probe", ctx -> ctx.future(() -> s.probe()
                  .handleAsync(ctx.queryParam("target"), ctx.queryParam("server_name"),
                      ctx.header("X-Prometheus-Scrape-Timeout-Seconds"))
                  .thenAccept(r -> ctx.status(r.status()).contentType(r.contentType()).result(r.body()))));
            });
    app.start(host, port);
    return new HttpServer(app);
  }

  private static void readyz(io.javalin.http.Context ctx, Readiness readiness) {
    var pending = readiness.pending();
    if (pending.isEmpty()) {
      ctx.result("ready\n");
    } else {
      ctx.status(503).result("not ready: waiting for " + String.join(", ", pending) + "\n");
    }
  }

  static String snapshotJson(Map<String, Supplier<Object>> sections) {
    Map<String, Object> out = new TreeMap<>();
    sections.forEach((name, supplier) -> out.put(name, supplier.get()));
    return Json.MAPPER.writeValueAsString(out);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
