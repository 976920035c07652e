package io.sockscope.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.kubernetes.CertificateMatch;
import io.sockscope.kubernetes.InformerHealth;
import io.sockscope.kubernetes.KubernetesWatch;
import io.sockscope.kubernetes.SecretCert;
import io.sockscope.kubernetes.ServedCertificates;
import java.util.function.Supplier;

/**
 * Kubernetes series, built at scrape time from the watch's snapshots (no API call at scrape
 * time): informer sync state and errors, the TLS Secret inventory, and stored vs served.
 */
public final class KubernetesCollector implements MultiCollector {
  private final KubernetesWatch watch;
  private final Supplier<ServedCertificates> served;

  /** {@code served} is read at each scrape, so it can be connected after startup. */
  public KubernetesCollector(KubernetesWatch watch, Supplier<ServedCertificates> served) {
    this.watch = watch;
    this.served = served;
  }

  @Override
  public MetricSnapshots collect() {
    var synced = GaugeSnapshot.builder().name("sockscope_kubernetes_watch_synced")
        .help("1 once the informer of this resource has listed it (stays 1 through later errors)");
    var errors = CounterSnapshot.builder().name("sockscope_kubernetes_errors")
        .help("Failed lists and watches of this resource; the agent keeps running and retries");
    for (InformerHealth h : watch.health()) {
      String resource = h.resource().label();
      synced.dataPoint(gauge(h.synced() ? 1 : 0, "resource", resource));
      h.errors().forEach((reason, n) -> errors.dataPoint(CounterDataPointSnapshot.builder()
          .labels(Labels.of("resource", resource, "reason", reason.label())).value(n).build()));
    }
    var notAfter = GaugeSnapshot.builder()
        .name("sockscope_tls_secret_cert_not_after_timestamp_seconds")
        .help("notAfter of the leaf certificate in a TLS Secret's tls.crt");
    for (SecretCert c : watch.secrets().all()) {
      notAfter.dataPoint(gauge(c.notAfter().getEpochSecond(),
          "namespace", c.namespace(), "secret", c.secret()));
    }
    var matches = GaugeSnapshot.builder().name("sockscope_tls_served_cert_matches_secret")
        .help("1 when the target serves the leaf certificate its Secret holds, 0 when it does not");
    for (CertificateMatch m : CertificateMatch.of(
        watch.targets().current(), watch.secrets(), served.get())) {
      matches.dataPoint(gauge(m.matches() ? 1 : 0, "target", m.target(), "secret", m.secret()));
    }
    return MetricSnapshots.of(synced.build(), errors.build(), notAfter.build(), matches.build());
  }

  private static GaugeDataPointSnapshot gauge(double value, String... labels) {
    return GaugeDataPointSnapshot.builder().labels(Labels.of(labels)).value(value).build();
  }
}
