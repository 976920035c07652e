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
import io.sockscope.tls.ProbeSource;
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

  /** Families with one label set (or more) per target: each loses a target cut by the cap. */
  static final List<String> PER_TARGET_FAMILIES =
      List.of(
          "sockscope_tls_probe_success",
          "sockscope_tls_probe_failures_total",
          "sockscope_tls_verify_error_info",
          "sockscope_tls_connect_duration_seconds",
          "sockscope_tls_handshake_duration_seconds",
          "sockscope_tls_cert_not_after_timestamp_seconds",
          "sockscope_tls_cert_not_before_timestamp_seconds",
          "sockscope_tls_chain_not_after_timestamp_seconds",
          "sockscope_tls_cert_info",
          "sockscope_tls_session_info",
          "sockscope_tls_last_success_timestamp_seconds",
          "sockscope_tls_client_cert_not_after_timestamp_seconds");

  private final Supplier<Map<String, TargetState>> states;
  private final Supplier<Map<ProbeSource, Integer>> targetCounts;
  private final Map<String, PerTarget> perTarget = new ConcurrentHashMap<>();
  private final int maxDnsNamesLength;
  private Supplier<Duration> lag; // null: no lag gauge (the one-off /probe)

  /** {@code targetCounts} null: no {@code sockscope_discovery_targets} (the one-off /probe). */
  public TlsMetrics(
      Supplier<Map<String, TargetState>> states, Supplier<Map<ProbeSource, Integer>> targetCounts) {
    this(states, targetCounts, TlsGauges.DEFAULT_MAX_DNS_NAMES_LENGTH);
  }

  /** {@code maxDnsNamesLength}: the cap of {@code dns_names} in {@code sockscope_tls_cert_info}. */
  public TlsMetrics(
      Supplier<Map<String, TargetState>> states,
      Supplier<Map<ProbeSource, Integer>> targetCounts,
      int maxDnsNamesLength) {
    this.states = states;
    this.targetCounts = targetCounts;
    this.maxDnsNamesLength = maxDnsNamesLength;
  }

  /** Binds to the scheduler (listener + collector) and registers with {@code registry}. */
  public static TlsMetrics bind(ProbeScheduler scheduler, MetricsRegistry registry) {
    return bind(scheduler, registry, TlsGauges.DEFAULT_MAX_DNS_NAMES_LENGTH);
  }

  /**
   * As {@link #bind(ProbeScheduler, MetricsRegistry)}, with the probe lag gauge and each family's
   * count in {@code sockscope_series_cut}: targets beyond {@code tls.maxTargets}, and for {@code
   * sockscope_tls_cert_info} also the {@code dns_names} values shortened to {@code
   * maxDnsNamesLength}.
   */
  public static TlsMetrics bind(
      ProbeScheduler scheduler, MetricsRegistry registry, int maxDnsNamesLength) {
    TlsMetrics m =
        new TlsMetrics(scheduler::states, scheduler::targetCounts, maxDnsNamesLength);
    m.lag = scheduler::lag;
    scheduler.addListener(m);
    registry.register(m);
    for (String family : PER_TARGET_FAMILIES) {
      registry
          .seriesCut()
          .add(
              family,
              family.equals("sockscope_tls_cert_info")
                  ? () ->
                      scheduler.targetsCut()
                          + TlsGauges.dnsNamesCut(scheduler.states(), maxDnsNamesLength)
                  : scheduler::targetsCut);
    }
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
    List<MetricSnapshot> out = new ArrayList<>(TlsGauges.collect(now, maxDnsNamesLength));
    if (targetCounts != null) {
      out.add(discoveryTargets());
    }
    if (lag != null) {
      out.add(
          io.prometheus.metrics.model.snapshots.GaugeSnapshot.builder()
              .name("sockscope_tls_probe_lag_seconds")
              .help(
                  "How late the oldest due TLS probe is: the longest a target has waited for a"
                      + " probe slot past its due time (0 when no probe waits).")
              .dataPoint(
                  io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot
                      .builder()
                      .value(lag.get().toNanos() / 1e9)
                      .build())
              .build());
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
    Map<ProbeSource, Integer> counts = new java.util.EnumMap<>(ProbeSource.class);
    ProbeSource.SCHEDULED.forEach(s -> counts.put(s, 0));
    counts.putAll(targetCounts.get());
    counts.forEach(
        (s, n) ->
            b.dataPoint(
                io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("source", s.label()))
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
