package io.sockscope.metrics;

import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
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
 * The TLS series (docs/metrics.md). Gauges are built from the scheduler's immutable per-target
 * states at scrape time; failure counters and the two duration histograms accumulate from listener
 * events. All series of a removed target vanish with it (nothing is left in a meter registry).
 *
 * <p>The histograms are the Prometheus client's: classic buckets ({@link #BUCKETS}, unchanged for
 * text and OpenMetrics scrapes) and native histograms in the same series, served to a Prometheus
 * that scrapes protobuf (docs/metrics.md, "Native histograms").
 */
public final class TlsMetrics implements MultiCollector, ProbeScheduler.Listener {
  /** Loopback handshakes take ~1 ms, remote ones tens to hundreds; 5 s is the default timeout. */
  static final double[] BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5
  };

  /** Bounds a native histogram's memory per target; past it the client halves the resolution. */
  static final int NATIVE_MAX_BUCKETS = 64;

  private final Histogram connect = histogram("sockscope_tls_connect_duration_seconds",
      "TCP connect time of TLS probes.");
  private final Histogram handshake = histogram("sockscope_tls_handshake_duration_seconds",
      "TLS handshake time of TLS probes (ClientHello to Finished).");

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

  private static Histogram histogram(String name, String help) {
    return Histogram.builder().name(name).help(help).labelNames("target")
        .classicUpperBounds(BUCKETS)
        .nativeMaxNumberOfBuckets(NATIVE_MAX_BUCKETS)
        .withoutExemplars()
        .build();
  }

  @Override
  public void onResult(ProbeResult r) {
    String id = r.target().id();
    perTarget.computeIfAbsent(id, k -> new PerTarget()).add(r);
    // The data point exists from the first result on, observed or not (a resolve failure has no
    // connect time), so a target's histogram series appear with its other series.
    observe(connect, id, r.connectDuration());
    observe(handshake, id, r.handshakeDuration());
  }

  private static void observe(Histogram h, String target, Duration d) {
    var point = h.labelValues(target);
    if (d != null) {
      point.observe(d.toNanos() / 1e9);
    }
  }

  @Override
  public void onRemoved(ProbeTarget t) {
    forget(t.id());
  }

  private void forget(String id) {
    perTarget.remove(id);
    connect.remove(id);
    handshake.remove(id);
  }

  @Override
  public MetricSnapshots collect() {
    Map<String, TargetState> now = states.get();
    for (String id : List.copyOf(perTarget.keySet())) {
      if (!now.containsKey(id)) {
        forget(id);
      }
    }
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
    out.add(connect.collect());
    out.add(handshake.collect());
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

  private record FailureKey(FailureStage stage, FailureReason reason) {}

  /** Cumulative per-target state that gauges cannot rebuild from the latest result. */
  private static final class PerTarget {
    private final Map<FailureKey, Long> failures = new ConcurrentHashMap<>();

    void add(ProbeResult r) {
      if (!r.success()) {
        failures.merge(new FailureKey(r.failureStage(), r.failureReason()), 1L, Long::sum);
      }
    }

    Map<FailureKey, Long> failures() {
      return Map.copyOf(failures);
    }
  }
}
