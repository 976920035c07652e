package io.sockscope.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.tls.CertificateFiles;
import io.sockscope.tls.FileParity;
import io.sockscope.tls.SecretFingerprints;
import io.sockscope.util.MountedFile;

/**
 * The sidecar's three-way certificate parity (docs/metrics.md, "Certificate files"): one parity
 * series per file whose {@code differs} label is the current state, the file's own expiry, the
 * errors per side, and the published Secret fingerprints in use. No I/O: reads the latest check.
 */
public final class CertificateFileMetrics implements MultiCollector {
  static final String PARITY = "sockscope_tls_certificate_file_parity";

  private final CertificateFiles files;
  private final MountedFile<SecretFingerprints> published;

  private CertificateFileMetrics(CertificateFiles files, MountedFile<SecretFingerprints> published) {
    this.files = files;
    this.published = published;
  }

  public static void bind(CertificateFiles files, MountedFile<SecretFingerprints> published,
      MetricsRegistry registry) {
    registry.register(new CertificateFileMetrics(files, published));
    registry.seriesCut().add(PARITY, files::cut);
  }

  @Override
  public MetricSnapshots collect() {
    var parity = GaugeSnapshot.builder().name(PARITY)
        .help("1 per mounted certificate file; differs names the view whose leaf is the odd one"
            + " out (none, file, secret, served, all, unknown): file vs its Secret vs what the pod"
            + " serves on localhost");
    var notAfter = GaugeSnapshot.builder()
        .name("sockscope_tls_certificate_file_not_after_timestamp_seconds")
        .help("notAfter of the leaf (first certificate) of each mounted certificate file");
    var errors = CounterSnapshot.builder().name("sockscope_tls_certificate_file_errors")
        .help("Checks in which a view of a certificate file gave no certificate (side: file"
            + " unreadable or invalid, served: no handshake on the local port)");
    for (FileParity p : files.latest()) {
      String secret = p.check().secret();
      parity.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of(
          "differs", p.differs().label(), "file", p.file(), "secret", secret)).value(1).build());
      if (p.fileLeaf() != null) {
        notAfter.dataPoint(GaugeDataPointSnapshot.builder().labels(Labels.of("file", p.file()))
            .value(p.fileLeaf().notAfter().getEpochSecond()).build());
      }
      for (CertificateFiles.Side side : CertificateFiles.Side.values()) {
        errors.dataPoint(CounterDataPointSnapshot.builder()
            .labels(Labels.of("file", p.file(), "side", side.label()))
            .value(files.errors(p.check(), side)).build());
      }
    }
    var loaded = GaugeSnapshot.builder().name("sockscope_secret_fingerprints_loaded")
        .help("Secret keys in the published leaf fingerprints in use (from the namespace prober's"
            + " ConfigMap)")
        .dataPoint(GaugeDataPointSnapshot.builder().value(published.current().size()).build());
    var loadErrors = CounterSnapshot.builder().name("sockscope_secret_fingerprints_load_errors")
        .help("Versions of the published fingerprint file not taken (the last good copy stays in"
            + " use)");
    for (MountedFile.Error e : MountedFile.Error.values()) {
      loadErrors.dataPoint(CounterDataPointSnapshot.builder()
          .labels(Labels.of("reason", e.label())).value(published.errors(e)).build());
    }
    return MetricSnapshots.of(parity.build(), notAfter.build(), errors.build(), loaded.build(),
        loadErrors.build());
  }
}
