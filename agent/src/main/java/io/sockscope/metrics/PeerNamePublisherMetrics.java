package io.sockscope.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.kubernetes.PeerNamePublisher;
import io.sockscope.peers.PeerNameTable;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The namespace prober's peer names (docs/metrics.md, "Peer names"): what it published for the
 * sidecars, and {@code sockscope_peer_service_info{ip,service}} for PromQL joins, capped at
 * {@code kubernetes.peerServiceInfoMax} series (lowest addresses first, so the set is stable).
 */
public final class PeerNamePublisherMetrics implements MultiCollector {
  private final PeerNamePublisher publisher;
  private final Supplier<PeerNameTable> table;
  private final int infoMax;

  public PeerNamePublisherMetrics(PeerNamePublisher publisher, Supplier<PeerNameTable> table, int infoMax) {
    this.publisher = publisher;
    this.table = table;
    this.infoMax = infoMax;
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, String> names = new TreeMap<>(table.get().names());
    var info = GaugeSnapshot.builder().name("sockscope_peer_service_info")
        .help("1 per address the namespace prober names after a Service (join on ip); capped");
    int n = 0;
    for (var e : names.entrySet()) {
      if (n++ >= infoMax) {
        break;
      }
      info.dataPoint(gauge(1, "ip", e.getKey(), "service", e.getValue()));
    }
    return MetricSnapshots.of(
        info.build(),
        GaugeSnapshot.builder().name("sockscope_peer_service_info_cut")
            .help("Addresses without a sockscope_peer_service_info series (kubernetes.peerServiceInfoMax)")
            .dataPoint(gauge(Math.max(0, names.size() - infoMax))).build(),
        GaugeSnapshot.builder().name("sockscope_peer_names_published")
            .help("Addresses in the peer-name table last written to the ConfigMap for the sidecars")
            .dataPoint(gauge(publisher.publishedEntries())).build(),
        GaugeSnapshot.builder().name("sockscope_peer_names_cut")
            .help("Addresses left out of the published table (kubernetes.peerNamesMax, 1 MiB ConfigMap limit)")
            .dataPoint(gauge(publisher.cutEntries())).build(),
        GaugeSnapshot.builder().name("sockscope_secret_fingerprints_published")
            .help("Secret keys whose leaf fingerprint was last written to the ConfigMap for the sidecars")
            .dataPoint(gauge(publisher.publishedCertificates())).build(),
        GaugeSnapshot.builder().name("sockscope_secret_fingerprints_cut")
            .help("Secret keys left out of the published fingerprints (kubernetes.publishedCertificatesMax, 96 KiB)")
            .dataPoint(gauge(publisher.cutCertificates())).build(),
        CounterSnapshot.builder().name("sockscope_peer_names_publish_errors")
            .help("Failed writes of the ConfigMap published for the sidecars (retried; they keep the last copy)")
            .dataPoint(CounterDataPointSnapshot.builder().value(publisher.errors()).build()).build());
  }

  private static GaugeDataPointSnapshot gauge(double value, String... labels) {
    return GaugeDataPointSnapshot.builder().labels(Labels.of(labels)).value(value).build();
  }
}
