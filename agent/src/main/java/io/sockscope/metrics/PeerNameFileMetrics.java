package io.sockscope.metrics;

import io.sockscope.util.MountedFile;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.peers.PeerNameFile;

/** The sidecar's view of the published peer names (docs/metrics.md, "Peer names"). */
public final class PeerNameFileMetrics implements MultiCollector {
  private final PeerNameFile file;

  public PeerNameFileMetrics(PeerNameFile file) {
    this.file = file;
  }

  @Override
  public MetricSnapshots collect() {
    var loaded = GaugeSnapshot.builder().name("sockscope_peer_names_loaded")
        .help("Addresses in the peer-name table in use (from the namespace prober's ConfigMap)")
        .dataPoint(GaugeDataPointSnapshot.builder().value(file.size()).build());
    var errors = CounterSnapshot.builder().name("sockscope_peer_names_load_errors")
        .help("Versions of the peer-name file not taken (the last good table stays in use)");
    for (MountedFile.Error e : MountedFile.Error.values()) {
      errors.dataPoint(CounterDataPointSnapshot.builder()
          .labels(Labels.of("reason", e.label())).value(file.errors(e)).build());
    }
    return MetricSnapshots.of(loaded.build(), errors.build());
  }
}
