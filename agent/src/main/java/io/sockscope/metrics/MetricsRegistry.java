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
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
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

  /**
   * The exposition for an {@code Accept} header, negotiated as client_java's own server does:
   * Prometheus text, OpenMetrics, or protobuf (the only format that carries native histograms).
   */
  public Scrape scrape(String accept) {
    ExpositionFormatWriter writer = Formats.FORMATS.findWriter(accept);
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      writer.write(out, registry.getPrometheusRegistry().scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }

  private static final class Formats {
    static final ExpositionFormats FORMATS = ExpositionFormats.init();
  }

  public record Scrape(String contentType, byte[] body) {}

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
