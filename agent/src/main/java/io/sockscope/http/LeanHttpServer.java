package io.sockscope.http;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The sidecar's HTTP port: the Prometheus client's server on the JDK's {@code
 * com.sun.net.httpserver}. Its {@code /metrics} negotiates the format as client_java does (text,
 * OpenMetrics, and protobuf with native histograms, gzip on request); the other routes are
 * {@link Routes} behind its default handler. No Jetty, no Javalin, no Jackson: the sidecar is paid
 * once per pod (docs/performance.md).
 */
final class LeanHttpServer implements HttpServer {
  private final HTTPServer server;

  private LeanHttpServer(HTTPServer server) {
    this.server = server;
  }

  static LeanHttpServer start(String host, int port, Services s) {
    Routes routes = new Routes(s);
    try {
      HTTPServer server = HTTPServer.builder()
          .hostname(host)
          .port(port)
          .registry(s.metrics().meters().getPrometheusRegistry())
          .registerHealthHandler(false)
          // Virtual threads: nothing idles on a platform stack between scrapes.
          .executorService(Executors.newThreadPerTaskExecutor(
              Thread.ofVirtual().name("http-", 0).factory()))
          .defaultHandler(exchange -> handle(exchange, routes))
          .buildAndStart();
      return new LeanHttpServer(server);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void handle(HttpExchange exchange, Routes routes) throws IOException {
    try (exchange) {
      Response r = "GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())
          ? routes.handle(exchange.getRequestURI().getPath(),
              query(exchange.getRequestURI().getRawQuery()), headers(exchange))
          : Response.text(405, "method not allowed\n");
      if (r == null) {
        r = Response.text(404, "not found\n");
      }
      exchange.getResponseHeaders().set("Content-Type", r.contentType());
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(r.status(), head ? -1 : r.body().length == 0 ? -1 : r.body().length);
      if (!head && r.body().length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(r.body());
        }
      }
    } catch (RuntimeException e) {
      // A failing route never takes the server down; the client sees a 500.
      byte[] body = ("internal error: " + e + "\n").getBytes(StandardCharsets.UTF_8);
      try {
        exchange.sendResponseHeaders(500, body.length);
        exchange.getResponseBody().write(body);
      } catch (IOException | RuntimeException ignored) {
        // headers were already sent: the connection is closed by the try-with-resources
      }
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static Map<String, String> headers(HttpExchange exchange) {
    Map<String, String> out = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> {
      if (!v.isEmpty()) {
        out.put(k.toLowerCase(Locale.ROOT), v.getFirst());
      }
    });
    return out;
  }

  @Override
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
