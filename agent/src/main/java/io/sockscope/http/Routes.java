package io.sockscope.http;

import io.sockscope.Readiness;
import io.sockscope.metrics.ProbeEndpoint;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The routes beside {@code /metrics}, said once for both servers (the lean one of the sidecar and
 * Javalin of the namespace prober and injector), so a route cannot answer differently per role.
 */
final class Routes {
  private final HttpServer.Services s;

  Routes(HttpServer.Services s) {
    this.s = s;
  }

  /** The answer for {@code path}, or null when no route matches. */
  Response handle(String path, Map<String, String> query, Map<String, String> headers) {
    return switch (path) {
      case "/healthz" -> Response.text(200, "ok\n");
      case "/readyz" -> readyz();
      case "/api/v1/snapshot" -> new Response(200, "application/json",
          snapshotJson(s.snapshot()).getBytes(StandardCharsets.UTF_8));
      case "/" -> new Response(200, "text/html; charset=utf-8",
          s.statusPage().render().getBytes(StandardCharsets.UTF_8));
      // the lean server runs each request on its own virtual thread: waiting here is free
      case "/probe" -> probe(query, headers).join();
      default -> null;
    };
  }

  private Response readyz() {
    var pending = s.readiness().pending();
    return pending.isEmpty()
        ? Response.text(200, "ready\n")
        : Response.text(503, "not ready: waiting for " + String.join(", ", pending) + "\n");
  }

  /**
   * {@code /probe}, completed when the probe ends. The probe runs on the endpoint's own bounded
   * pool (429 beyond it), so no server thread that {@code /healthz} needs ever waits for a target.
   */
  CompletableFuture<Response> probe(Map<String, String> query, Map<String, String> headers) {
    ProbeEndpoint probe = s.probe();
    if (probe == null) {
      return CompletableFuture.completedFuture(Response.text(404, "no TLS prober in this role\n"));
    }
    return probe.handleAsync(query.get("target"), query.get("server_name"), query.get("protocol"),
            headers.get("x-prometheus-scrape-timeout-seconds"))
        .thenApply(r -> new Response(r.status(), r.contentType(), r.body()));
  }

  static String snapshotJson(Map<String, Supplier<Object>> sections) {
    Map<String, Object> out = new TreeMap<>();
    sections.forEach((name, supplier) -> out.put(name, supplier.get()));
    return Json.write(out);
  }

}
