package io.sockscope.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockscope.tls.AdhocProbe;
import io.sockscope.tls.TargetState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /probe}: one probe, its series in a fresh registry (nothing of it outlives the request,
 * nothing of the agent's own state leaks into it), in the same TLS metric names as {@code
 * /metrics}.
 */
public final class ProbeEndpoint {
  private static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** What the route writes back. */
  public record Response(int status, String contentType, byte[] body) {}

  private final AdhocProbe probe;

  public ProbeEndpoint(AdhocProbe probe) {
    this.probe = probe;
  }

  /** Completes when the probe ends; the caller's thread never waits for the target. */
  public CompletableFuture<Response> handleAsync(
      String target, String serverName, String scrapeTimeoutHeader) {
    return handleAsync(target, serverName, null, scrapeTimeoutHeader);
  }

  /** With the {@code protocol} parameter ({@code postgres}, {@code smtp}...; null: by port). */
  public CompletableFuture<Response> handleAsync(
      String target, String serverName, String protocol, String scrapeTimeoutHeader) {
    return probe
        .submit(target, serverName, protocol, scrapeTimeoutHeader)
        .thenApply(ProbeEndpoint::render);
  }

  public Response handle(String target, String serverName, String scrapeTimeoutHeader) {
    return render(probe.probe(target, serverName, scrapeTimeoutHeader));
  }

  private static Response render(AdhocProbe.Outcome o) {
    if (o.status() != 200) {
      return new Response(
          o.status(),
          "text/plain; charset=utf-8",
          (o.message() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    TargetState state = TargetState.of(o.result());
    TlsMetrics m = new TlsMetrics(() -> Map.of(state.target().id(), state), null);
    m.onResult(o.result());
    PrometheusMeterRegistry fresh = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      fresh.getPrometheusRegistry().register(m);
      ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
      fresh.scrape(out, TEXT);
      return new Response(200, TEXT, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      fresh.close();
    }
  }
}
