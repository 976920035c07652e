package io.sockscope.injector;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.micrometer.core.instrument.MeterRegistry;
import io.sockscope.config.InjectorConfig;
import io.sockscope.util.RateLimitedLog;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The mutating admission webhook ({@code --role injector}): HTTPS {@code POST /mutate} with an
 * AdmissionReview v1, on Javalin/Jetty like the rest of the injector process (one HTTP stack per
 * process, issue 12). Its own HTTPS-only Jetty server: the webhook never answers on the plain
 * metrics port. The key pair is {@link ReloadingKeyManager}'s, handed to Jetty inside the
 * {@link SSLContext}: every handshake asks it, so a renewed certificate serves without a restart.
 */
public final class WebhookServer implements AutoCloseable {
  /** The API server refuses bigger reviews anyway (etcd's 1.5 MiB object limit plus envelope). */
  private static final int MAX_BODY = 3 * 1024 * 1024;
  private static final System.Logger logger = System.getLogger(WebhookServer.class.getName());

  private final Javalin app;

  private WebhookServer(Javalin app) {
    this.app = app;
  }

  /** Binds {@code host:config.port()} (0 = any free port) and starts serving. */
  public static WebhookServer start(String host, InjectorConfig config, MeterRegistry registry)
      throws IOException, GeneralSecurityException {
    return start(host, config, registry, Clock.systemUTC());
  }

  /** As above; {@code clock} paces the certificate re-read (tests move it). */
  static WebhookServer start(String host, InjectorConfig config, MeterRegistry registry, Clock clock)
      throws IOException, GeneralSecurityException {
    var keys = new ReloadingKeyManager(Path.of(config.certFile()), Path.of(config.keyFile()), clock);
    Path sidecarFile = Path.of(config.sidecarFile());
    SidecarSpec.load(sidecarFile); // fail at startup, not at the first pod, if it is broken
    var metrics = new InjectorMetrics(registry);
    var handler = new AdmissionHandler(
        new PodMutator(config.nativeSidecar()), () -> SidecarSpec.load(sidecarFile), metrics);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(new KeyManager[] {keys}, null, null);
    RateLimitedLog errors = RateLimitedLog.perMinute(logger);
    Javalin app = Javalin.create(c -> {
      c.startup.showJavalinBanner = false;
      // A handful of reviews per pod creation: Jetty's acceptor and selector plus a few workers.
      QueuedThreadPool pool = new QueuedThreadPool(6, 2, 30_000);
      pool.setName("webhook");
      c.jetty.threadPool = pool;
      c.http.prefer405over404 = true;
      c.jetty.addConnector((server, http) -> {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls);
        HttpConfiguration https = new HttpConfiguration(http);
        // The API server dials <service>.<namespace>.svc: no SNI host check (the default
        // customizer refuses an SNI name that the certificate does not carry, e.g. an IP).
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server,
            new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(https));
        connector.setHost(host);
        connector.setPort(config.port());
        return connector;
      });
      c.routes.post("/mutate", ctx -> mutate(ctx, handler, metrics, errors));
    });
    try {
      app.start();
    } catch (JavalinBindException e) {
      throw new IOException("cannot bind " + host + ":" + config.port() + ": " + e.getMessage(), e);
    }
    return new WebhookServer(app);
  }

  private static void mutate(Context ctx, AdmissionHandler handler, InjectorMetrics metrics,
      RateLimitedLog errors) throws IOException {
    String answer;
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new IllegalArgumentException("review larger than " + MAX_BODY + " bytes");
      }
      answer = handler.handle(new String(body, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      // failurePolicy: Ignore admits the pod unchanged; the error is a metric and a log line.
      metrics.error();
      errors.log(System.Logger.Level.WARNING, "admission", "admission review failed: " + e);
      ctx.status(400).contentType("text/plain").result("bad AdmissionReview: " + e.getMessage() + "\n");
      return;
    }
    ctx.status(200).contentType("application/json").result(answer);
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
