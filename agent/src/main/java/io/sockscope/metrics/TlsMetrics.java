package io.sockscope.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.tls.FailureReason;
import io.sockscope.tls.FailureStage;
import io.sockscope.tls.ProbeResult;
import io.sockscope.tls.ProbeScheduler;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.TargetState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The TLS rows of DESIGN §5. Gauges are built from the scheduler's immutable per-target states at
 * scrape time; failure counters and the two duration histograms accumulate from listener events.
 * All series of a removed target vanish with it (nothing is left in a meter registry).
 */
public final class TlsMetrics implements MultiCollector, ProbeScheduler.Listener {
  /** Loopback handshakes take ~1 ms, remote ones tens to hundreds; 5 s is the default timeout. */
  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };
  /** {@link #BUCKETS} and +Inf: the exposition's bucket bounds, never modified. */
  private static final double[] UPPER_BOUNDS = java.util.stream.DoubleStream.concat(
      java.util.Arrays.stream(BUCKETS), java.util.stream.DoubleStream.of(Double.POSITIVE_INFINITY)).toArray();

  static final List<String> SOURCES = List.of("static", "peer", "service", "ingress", "backend");

  private final Supplier<Map<String, TargetState>> states;
  private final Supplier<Map<String, Integer>> targetCounts;
  private final Map<String, PerTarget> perTarget = new ConcurrentHashMap<>();

  /** {@code targetCounts} null: no {@code sockscope_discovery_targets} (the one-off /probe). */
  public TlsMetrics(
      Supplier<Map<String, TargetState>> states, Supplier<Map<String, Integer>> targetCounts) {
    this.states = states;
    this.targetCounts = targetCounts;
  }

  /** Binds to the scheduler (listener + collector) and registers with {@code registry}. */
  public static TlsMetrics bind(ProbeScheduler scheduler, MetricsRegistry registry) {
    TlsMetrics m = new TlsMetrics(scheduler::states, scheduler::targetCounts);
    scheduler.addListener(m);
    registry.register(m);
    return m;
  }

  @Override
  public void onResult(ProbeResult r) {
    perTarget.computeIfAbsent(r.target().id(), k -> new PerTarget()).add(r);
  }

  @Override
  public void onRemoved(ProbeTarget t) {
    perTarget.remove(t.id());
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, TargetState> now = states.get();
    perTarget.keySet().retainAll(now.keySet());
    List<MetricSnapshot> out = new ArrayList<>(TlsGauges.collect(now));
    if (targetCounts != null) {
      out.add(discoveryTargets());
    }
    out.add(failures());
    out.add(
        histogram(
            "sockscope_tls_connect_duration_seconds", "TCP connect time of TLS probes.", true));
    out.add(
        histogram(
            "sockscope_tls_handshake_duration_seconds",
            "TLS handshake time of TLS probes (ClientHello to Finished).",
            false));
    return new MetricSnapshots(out);
  }

  private MetricSnapshot discoveryTargets() {
    var b =
        io.prometheus.metrics.model.snapshots.GaugeSnapshot.builder()
            .name("sockscope_discovery_targets")
            .help("TLS targets listed by each source.");
    Map<String, Integer> counts = new java.util.LinkedHashMap<>();
    SOURCES.forEach(s -> counts.put(s, 0));
    counts.putAll(targetCounts.get());
    counts.forEach(
        (s, n) ->
            b.dataPoint(
                io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("source", s))
                    .value(n)
                    .build()));
    return b.build();
  }

  private MetricSnapshot failures() {
    var b =
        CounterSnapshot.builder()
            .name("sockscope_tls_probe_failures")
            .help("Failed TLS probes by the stage that failed and why.");
    perTarget.forEach(
        (target, p) ->
            p.failures()
                .forEach(
                    (key, n) ->
                        b.dataPoint(
                            CounterDataPointSnapshot.builder()
                                .labels(Labels.of("target", target, "stage", key.stage().label(),
                                    "reason", key.reason().label()))
                                .value(n)
                                .build())));
    return b.build();
  }

  private MetricSnapshot histogram(String name, String help, boolean connect) {
    var b = HistogramSnapshot.builder().name(name).help(help);
    perTarget.forEach(
        (target, p) -> {
          Histo h = connect ? p.connect : p.handshake;
          synchronized (h) {
            b.dataPoint(
                HistogramDataPointSnapshot.builder()
                    .classicHistogramBuckets(
                        ClassicHistogramBuckets.of(UPPER_BOUNDS, h.counts.clone()))
                    .sum(h.sum)
                    .labels(Labels.of("target", target))
                    .build());
          }
        });
    return b.build();
  }

  private record FailureKey(FailureStage stage, FailureReason reason) {}

  /** Cumulative per-target state that gauges cannot rebuild from the latest result. */
  private static final class PerTarget {
    final Histo connect = new Histo();
    final Histo handshake = new Histo();
    private final Map<FailureKey, Long> failures = new ConcurrentHashMap<>();

    void add(ProbeResult r) {
      connect.observe(r.connectDuration());
      handshake.observe(r.handshakeDuration());
      if (!r.success()) {
        failures.merge(new FailureKey(r.failureStage(), r.failureReason()), 1L, Long::sum);
      }
    }

    Map<FailureKey, Long> failures() {
      return Map.copyOf(failures);
    }
  }

  private static final class Histo {
    final long[] counts = new long[BUCKETS.length + 1];
    double sum;

    synchronized void observe(Duration d) {
      if (d == null) {
        return;
      }
      double s = d.toNanos() / 1e9;
      int i = 0;
      while (i < BUCKETS.length && s > BUCKETS[i]) {
        i++;
      }
      counts[i]++;
      sum += s;
    }
  }
}
