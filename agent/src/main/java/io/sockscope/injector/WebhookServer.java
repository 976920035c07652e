package io.sockscope.injector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.sockscope.config.InjectorConfig;
import io.sockscope.util.RateLimitedLog;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;

/**
 * The mutating admission webhook ({@code --role injector}): HTTPS {@code POST /mutate} with an
 * AdmissionReview v1. The JDK's HttpsServer is enough for a handful of requests per pod creation
 * and keeps Jetty's TLS setup out of the metrics port.
 */
public final class WebhookServer implements AutoCloseable {
  /** The API server refuses bigger reviews anyway (etcd's 1.5 MiB object limit plus envelope). */
  private static final int MAX_BODY = 3 * 1024 * 1024;
  private static final System.Logger logger = System.getLogger(WebhookServer.class.getName());

  private final HttpsServer server;
  private final ExecutorService executor;
  private final RateLimitedLog errors;

  private WebhookServer(HttpsServer server, ExecutorService executor, RateLimitedLog errors) {
    this.server = server;
    this.executor = executor;
    this.errors = errors;
  }

  /** Binds {@code host:config.port()} (0 = any free port) and starts serving. */
  public static WebhookServer start(String host, InjectorConfig config, MeterRegistry registry)
      throws IOException, GeneralSecurityException {
    var keys = new ReloadingKeyManager(
        Path.of(config.certFile()), Path.of(config.keyFile()), Clock.systemUTC());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {keys}, null, null);
    HttpsServer https = HttpsServer.create(new InetSocketAddress(host, config.port()), 64);
    https.setHttpsConfigurator(new HttpsConfigurator(tls));
    Path sidecarFile = Path.of(config.sidecarFile());
    SidecarSpec.load(sidecarFile); // fail at startup, not at the first pod, if it is broken
    var metrics = new InjectorMetrics(registry);
    var handler = new AdmissionHandler(
        new PodMutator(config.nativeSidecar()), () -> SidecarSpec.load(sidecarFile), metrics);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    https.setExecutor(executor);
    var server = new WebhookServer(https, executor, RateLimitedLog.perMinute(logger));
    https.createContext("/mutate", exchange -> server.mutate(exchange, handler, metrics));
    https.start();
    return server;
  }

  private void mutate(HttpExchange exchange, AdmissionHandler handler, InjectorMetrics metrics)
      throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, "text/plain", "POST an AdmissionReview\n");
        return;
      }
      String answer;
      try (InputStream in = exchange.getRequestBody()) {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
          throw new IllegalArgumentException("review larger than " + MAX_BODY + " bytes");
        }
        answer = handler.handle(new String(body, StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        // failurePolicy: Ignore admits the pod unchanged; the error is a metric and a log line.
        metrics.error();
        errors.log(System.Logger.Level.WARNING, "admission", "admission review failed: " + e);
        reply(exchange, 400, "text/plain", "bad AdmissionReview: " + e.getMessage() + "\n");
        return;
      }
      reply(exchange, 200, "application/json", answer);
    }
  }

  private static void reply(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
