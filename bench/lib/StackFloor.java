import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The chosen stack's floor for bench/footprint: what a process that only serves /metrics costs with
 * the sidecar's flags, before any sockscope code. Compiled against sockscope.jar (its libraries).
 * Usage: StackFloor jdk|javalin — the JDK's HTTP server or Javalin (Jetty, the agent's thread pool),
 * both serving a Micrometer Prometheus registry with the JVM binders the agent registers and 50
 * gauges. /readyz answers 200.
 */
public class StackFloor {
  public static void main(String[] args) throws Exception {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    for (int i = 0; i < 50; i++) {
      registry.gauge("floor_gauge_" + i, i);
    }
    if (args[0].equals("javalin")) {
      Javalin.create(c -> {
        c.startup.showJavalinBanner = false;
        c.jetty.threadPool = new QueuedThreadPool(8, 2, 30_000);
        c.routes.get("/metrics", ctx -> ctx.result(registry.scrape()));
        c.routes.get("/readyz", ctx -> ctx.result("ready\n"));
      }).start("0.0.0.0", 9102);
      return;
    }
    HttpServer s = HttpServer.create(new InetSocketAddress(9102), 0);
    s.createContext("/", x -> {
      byte[] b = registry.scrape().getBytes(StandardCharsets.UTF_8);
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.start();
  }
}
