package io.sockscope.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one registry of the process: Micrometer meters (counters, histograms, JVM binders) and
 * client_java {@link MultiCollector}s for the snapshot-driven gauges whose label sets change
 * (peers, targets). Both come out of the same scrape.
 */
public final class MetricsRegistry implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final SeriesCut seriesCut = new SeriesCut();

  public MetricsRegistry(BuildInfo build) {
    Gauge.builder("sockscope.build.info", () -> 1)
        .description("Build of the running agent; the value is always 1.")
        .tag("version", build.version())
        .tag("revision", build.revision())
        .tag("java_version", build.javaVersion())
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    // process_files_open_files / _max_files: a leak of probe sockets shows here first
    new FileDescriptorMetrics().bindTo(registry);
    gc.bindTo(registry);
    register(seriesCut);
  }

  /** Where each capped family reports what its cap cut ({@code sockscope_series_cut}). */
  public SeriesCut seriesCut() {
    return seriesCut;
  }

  /** Micrometer's view, for counters and histograms. */
  public PrometheusMeterRegistry meters() {
    return registry;
  }

  /** Adds a collector whose series are built from a snapshot at scrape time. */
  public void register(MultiCollector collector) {
    registry.getPrometheusRegistry().register(collector);
  }

  /** The exposition for an {@code Accept} header (Prometheus text, or OpenMetrics on request). */
  public Scrape scrape(String accept) {
    String contentType = accept != null && accept.contains("application/openmetrics-text")
        ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
        : "text/plain; version=0.0.4; charset=utf-8";
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      registry.scrape(out, contentType);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Scrape(contentType, out.toByteArray());
  }

  public record Scrape(String contentType, byte[] body) {}

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
