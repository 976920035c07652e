package io.sockscope.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.kubernetes.BackendParity;
import io.sockscope.kubernetes.CertificateMatch;
import io.sockscope.kubernetes.DiscoveredTarget;
import io.sockscope.kubernetes.InformerHealth;
import io.sockscope.kubernetes.KubernetesWatch;
import io.sockscope.kubernetes.SecretCert;
import io.sockscope.kubernetes.ServedCertificates;
import io.sockscope.kubernetes.StoredCert;
import io.sockscope.kubernetes.StoredCertificates;
import java.util.List;
import java.util.function.Supplier;

/**
 * Kubernetes series, built at scrape time from the watch's snapshots (no API call at scrape
 * time): informer sync state and errors, the TLS Secret inventory, stored vs served (per target and
 * per Secret across its backends), the certificates of Secrets and ConfigMaps, owners, and what the
 * caps cut.
 */
public final class KubernetesCollector implements MultiCollector {
  private final KubernetesWatch watch;
  private final Supplier<ServedCertificates> served;

  /** {@code served} is read at each scrape, so it can be connected after startup. */
  public KubernetesCollector(KubernetesWatch watch, Supplier<ServedCertificates> served) {
    this.watch = watch;
    this.served = served;
  }

  /**
   * Registers the collector and what its caps cut: backends beyond kubernetes.backendsPerService
   * (family sockscope_tls_backend_info; their per-target TLS series are not probed either) and
   * stored certificates beyond kubernetes.maxStoredCertificates.
   */
  public static KubernetesCollector bind(
      KubernetesWatch watch, Supplier<ServedCertificates> served, MetricsRegistry registry) {
    KubernetesCollector c = new KubernetesCollector(watch, served);
    registry.register(c);
    registry.seriesCut().add("sockscope_tls_backend_info", () -> watch.targets().backendsCut());
    for (String family : List.of("sockscope_tls_stored_cert_not_after_timestamp_seconds",
        "sockscope_tls_stored_cert_info")) {
      registry.seriesCut().add(family, () -> watch.stored().snapshot().cut());
    }
    return c;
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
    List<DiscoveredTarget> targets = watch.targets().current();
    ServedCertificates servedNow = served.get();
    var matches = GaugeSnapshot.builder().name("sockscope_tls_served_cert_matches_secret")
        .help("1 when the target serves the leaf certificate its Secret holds, 0 when it does not");
    for (CertificateMatch m : CertificateMatch.of(targets, watch.secrets(), servedNow)) {
      matches.dataPoint(gauge(m.matches() ? 1 : 0, "target", m.target(), "secret", m.secret()));
    }
    var parity = GaugeSnapshot.builder().name("sockscope_tls_secret_backends")
        .help("Backends of the Services that name this Secret, by whether their last handshake "
            + "presented the Secret's current leaf (current), another (other), or none yet (unknown)");
    for (BackendParity p : BackendParity.of(targets, watch.secrets(), servedNow)) {
      parity.dataPoint(gauge(p.current(), "namespace", p.namespace(), "secret", p.secret(),
          "serving", "current"));
      parity.dataPoint(gauge(p.other().size(), "namespace", p.namespace(), "secret", p.secret(),
          "serving", "other"));
      parity.dataPoint(gauge(p.unknown(), "namespace", p.namespace(), "secret", p.secret(),
          "serving", "unknown"));
    }
    var backends = GaugeSnapshot.builder().name("sockscope_tls_backend_info")
        .help("1 for each probed backend: the Service target it belongs to and its pod");
    var owners = GaugeSnapshot.builder().name("sockscope_tls_target_owner_info")
        .help("1 for each discovered target whose Service or Ingress has a sockscope.io/owner "
            + "annotation; join on target to route alerts");
    for (DiscoveredTarget t : targets) {
      if (t.backend() != null) {
        backends.dataPoint(gauge(1, "target", t.id(), "service", t.backend().service(),
            "backend_pod", t.backend().pod()));
      }
      if (t.owner() != null) {
        owners.dataPoint(gauge(1, "target", t.id(), "owner", t.owner()));
      }
    }
    StoredCertificates.Snapshot stored = watch.stored().snapshot();
    var secretOwners = GaugeSnapshot.builder().name("sockscope_tls_secret_owner_info")
        .help("1 for each Secret with a sockscope.io/owner annotation; join on namespace, secret");
    stored.secretOwners().forEach((secret, owner) -> secretOwners.dataPoint(
        gauge(1, "namespace", watch.namespace(), "secret", secret, "owner", owner)));
    var storedNotAfter = GaugeSnapshot.builder()
        .name("sockscope_tls_stored_cert_not_after_timestamp_seconds")
        .help("notAfter of each certificate stored in a Secret or ConfigMap (every certificate of "
            + "a bundle or keystore)");
    var storedInfo = GaugeSnapshot.builder().name("sockscope_tls_stored_cert_info")
        .help("1 for each stored certificate: its identity, apart from the timestamp");
    for (StoredCert c : stored.certificates()) {
      String[] id = {"namespace", c.namespace(), "kind", c.kind().label(), "name", c.name(),
          "key", c.key(), "index", Integer.toString(c.index())};
      storedNotAfter.dataPoint(gauge(c.notAfter().getEpochSecond(), id));
      storedInfo.dataPoint(gauge(1, concat(id, "subject", c.subject(), "issuer", c.issuer(),
          "serial", c.serial(), "fingerprint_sha256", c.fingerprintSha256())));
    }
    return MetricSnapshots.of(synced.build(), errors.build(), notAfter.build(), matches.build(),
        parity.build(), backends.build(), owners.build(), secretOwners.build(),
        storedNotAfter.build(), storedInfo.build());
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static GaugeDataPointSnapshot gauge(double value, String... labels) {
    return GaugeDataPointSnapshot.builder().labels(Labels.of(labels)).value(value).build();
  }
}
