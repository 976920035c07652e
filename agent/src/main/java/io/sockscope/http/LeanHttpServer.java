package io.sockscope.http;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The sidecar's HTTP port: the JDK's {@code com.sun.net.httpserver} with client_java's {@link
 * MetricsHandler} on {@code /metrics}, which negotiates the format as client_java does (text,
 * OpenMetrics, and protobuf with native histograms, gzip on request); the other routes are {@link
 * Routes} on {@code /}. No Jetty, no Javalin, no Jackson: the sidecar is paid once per pod
 * (docs/performance.md).
 *
 * <p>Requests run on virtual threads (nothing idles on a platform stack between scrapes, and a
 * {@code /probe} waiting for its handshake holds no platform thread), but the exposition is
 * written on one platform thread: the text writers wrap the response in a {@code BufferedWriter},
 * which on a virtual thread starts at 512 chars and grows to 8,192 by as little as each write
 * needs, one array copy per write: ~20 MB of garbage per scrape, the sidecar's largest allocation
 * (docs/performance.md, "Where the sidecar's CPU goes"). On a platform thread it starts at 8,192.
 */
final class LeanHttpServer implements HttpServer {
  private final com.sun.net.httpserver.HttpServer server;
  private final ExecutorService requests;
  private final ExecutorService exposition;

  private LeanHttpServer(com.sun.net.httpserver.HttpServer server, ExecutorService requests,
      ExecutorService exposition) {
    this.server = server;
    this.requests = requests;
    this.exposition = exposition;
  }

  static LeanHttpServer start(String host, int port, Services s) {
    Routes routes = new Routes(s);
    MetricsHandler metrics = new MetricsHandler(s.metrics().meters().getPrometheusRegistry());
    ExecutorService requests = Executors.newThreadPerTaskExecutor(
        Thread.ofVirtual().name("http-", 0).factory());
    // One platform thread, started by the first scrape and ended after a minute without one.
    ExecutorService exposition = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Thread.ofPlatform().name("metrics").daemon().factory());
    try {
      var server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(host, port), 3);
      server.setExecutor(requests);
      server.createContext("/", exchange -> handle(exchange, routes));
      server.createContext("/metrics", exchange -> expose(exchange, metrics, exposition));
      server.start();
      return new LeanHttpServer(server, requests, exposition);
    } catch (IOException e) {
      requests.shutdownNow();
      exposition.shutdownNow();
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** client_java's scrape handler (it closes the exchange), run on the platform thread. */
  private static void expose(HttpExchange exchange, MetricsHandler metrics, ExecutorService on)
      throws IOException {
    try {
      on.submit(() -> {
        metrics.handle(exchange);
        return null;
      }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.close();
    } catch (ExecutionException | RejectedExecutionException e) {
      exchange.close(); // the client sees the connection end; the scraper records a failed scrape
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("metrics exposition failed: " + cause, cause);
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
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    requests.shutdown();
    exposition.shutdown();
  }
}
