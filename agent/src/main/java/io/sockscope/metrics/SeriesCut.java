package io.sockscope.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.LongSupplier;

/**
 * {@code sockscope_series_cut{family}}: for every capped metric family, how many label sets its cap
 * folded into an aggregate or dropped in the latest sample (0 when everything fits). One collector
 * for the whole process: a metric name may come from one collector only, so each capped family
 * adds its count here instead of exporting the gauge itself.
 */
public final class SeriesCut implements MultiCollector {
  static final String NAME = "sockscope_series_cut";

  private final Map<String, LongSupplier> families = new ConcurrentSkipListMap<>();

  /** Adds (or replaces) the count of one family, read at every scrape. */
  public void add(String family, LongSupplier cut) {
    families.put(family, cut);
  }

  @Override
  public MetricSnapshots collect() {
    GaugeSnapshot.Builder b =
        GaugeSnapshot.builder()
            .name(NAME)
            .help(
                "Label sets of a capped metric family folded or dropped by its cap in the latest"
                    + " sample (docs/metrics.md names each cap and its setting).");
    families.forEach(
        (family, cut) ->
            b.dataPoint(
                GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("family", family))
                    .value(cut.getAsLong())
                    .build()));
    return MetricSnapshots.of(b.build());
  }
}
