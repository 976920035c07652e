package io.sockscope.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Javalin serving {@link Routes}: the namespace prober's and the injector's HTTP port. */
final class JavalinHttpServer implements HttpServer {
  private final Javalin app;

  private JavalinHttpServer(Javalin app) {
    this.app = app;
  }

  static JavalinHttpServer start(String host, int port, Services s) {
    Routes routes = new Routes(s);
    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              // A scrape every few seconds and a webhook call per pod creation: a handful of
              // threads is plenty, and each idle platform thread costs stack and RSS.
              QueuedThreadPool pool = new QueuedThreadPool(8, 2, 30_000);
              pool.setName("http");
              config.jetty.threadPool = pool;
              config.routes.get("/metrics", ctx -> {
                var scrape = s.metrics().scrape(ctx.header("Accept"));
                ctx.contentType(scrape.contentType()).result(scrape.body());
              });
              for (String path : new String[] {"/healthz", "/readyz", "/api/v1/snapshot", "/"}) {
                config.routes.get(path, ctx -> answer(ctx, routes.handle(path, query(ctx), headers(ctx))));
              }
              // async: a probe of a slow target never holds one of the 8 Jetty threads
              config.routes.get("/probe", ctx -> ctx.future(() ->
                  routes.probe(query(ctx), headers(ctx)).thenAccept(r -> answer(ctx, r))));
            });
    app.start(host, port);
    return new JavalinHttpServer(app);
  }

  private static void answer(Context ctx, Response r) {
    ctx.status(r.status()).contentType(r.contentType()).result(r.body());
  }

  private static Map<String, String> query(Context ctx) {
    Map<String, String> out = new HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.put(k, v.getFirst());
      }
    });
    return out;
  }

  private static Map<String, String> headers(Context ctx) {
    Map<String, String> out = new HashMap<>();
    ctx.headerMap().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
    return out;
  }

  @Override
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
