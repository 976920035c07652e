package io.sockscope.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.Gauge;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.sockscope.sockets.CloseInitiator;
import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.KernelEvent;
import io.sockscope.sockets.SamplerListener;
import io.sockscope.sockets.SocketRole;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSnapshot;
import io.sockscope.sockets.TcpState;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Binds the socket sampler to the registry (docs/metrics.md, socket rows). Gauges are built from the
 * latest {@link SocketSnapshot} at scrape time (a scrape does no I/O); counters read the close
 * tracker and the kernel MIBs; the sampler reports its own cost and failures here.
 */
public final class SocketMetrics implements MultiCollector, SamplerListener {
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
    Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
    Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
    Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2)
  };

  private final Supplier<SocketSnapshot> snapshot;
  private final MeterRegistry registry;
  private final Map<Tier, Map<Reason, Counter>> errors = new EnumMap<>(Tier.class);
  private final Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile int maxListenPorts = 64;

  public SocketMetrics(Supplier<SocketSnapshot> snapshot, MeterRegistry registry, String dumpSource) {
    this.snapshot = snapshot;
    this.registry = registry;
    for (Tier t : Tier.values()) {
      Map<Reason, Counter> byReason = new EnumMap<>(Reason.class);
      for (Reason r : Reason.values()) {
        byReason.put(r, Counter.builder("sockscope.sampler.errors")
            .description("Failed samples by tier and reason; the agent keeps serving the last good values.")
            .tag("tier", t.label()).tag("reason", r.label()).register(registry));
      }
      errors.put(t, byReason);
    }
    timer(Tier.COUNTERS, "kernel");
    timer(Tier.DUMP, dumpSource);
  }

  /**
   * Caps the listen queue series at {@code max} ports ({@code sockets.maxListenPorts}) and reports
   * the ports folded into {@code port="other"} in {@code cut}.
   */
  public void capListenPorts(int max, SeriesCut cut) {
    this.maxListenPorts = max;
    for (String family : List.of("sockscope_tcp_listen_queue", "sockscope_tcp_listen_queue_limit")) {
      cut.add(family, () -> {
        SocketSnapshot s = snapshot.get();
        return s == null ? 0 : ListenQueueCap.cut(s.listenQueues().size(), maxListenPorts);
      });
    }
  }

  /**
   * Reports the per-destination families' folded label sets in {@code cut}: destinations beyond
   * {@code sockets.topPeers} in the last dump, and destinations whose ends went to {@code other}.
   */
  public void reportPeerCuts(SeriesCut cut) {
    cut.add("sockscope_tcp_peer_sockets", () -> snapshot.get().seriesCut().peerSockets());
    cut.add("sockscope_tcp_ephemeral_ports_in_use", () -> snapshot.get().seriesCut().ephemeralPorts());
    for (String family : List.of("sockscope_tcp_peer_closes_total", "sockscope_tcp_peer_retransmits_total",
        "sockscope_tcp_peer_rtt_seconds")) {
      cut.add(family, () -> snapshot.get().seriesCut().peerCloses());
    }
  }

  /** Counters that read the sampler: closes (tracker) and kernel events (MIBs). */
  public void bindCounters(SocketSampler sampler) {
    for (CloseInitiator i : CloseInitiator.values()) {
      for (SocketRole r : SocketRole.values()) {
        FunctionCounter.builder("sockscope.tcp.closes", sampler, s -> s.snapshot().closes(i, r))
            .description("Connections ended, by who sent the first FIN (local: this pod, peer: the remote side), or reset; unknown: their end event was lost.")
            .tag("initiator", i.label()).tag("role", r.label()).register(registry);
      }
    }
    FunctionCounter.builder("sockscope.tcp.close.events", sampler, s -> s.snapshot().closeEvents().received())
        .description("Socket destroy events received from the kernel (sock_diag TCP destroy broadcast).")
        .register(registry);
    FunctionCounter.builder("sockscope.tcp.close.events.lost", sampler, s -> s.snapshot().closeEvents().lost())
        .description("Destroy events lost (receive buffer overrun or hand-over ring full), from the kernel counters; their ends are counted as unknown.")
        .register(registry);
    Gauge.builder("sockscope.tcp.close.events.enabled", sampler, s -> s.closeEventsEnabled() ? 1 : 0)
        .description("1 while closes are attributed per connection from destroy events; 0 when the subscription is off or refused.")
        .register(registry);
    for (KernelEvent e : KernelEvent.values()) {
      FunctionCounter.builder("sockscope.tcp.kernel.events", sampler, s -> mib(s, e))
          .description("Per-namespace TCP MIB counters from /proc/net/snmp and /proc/net/netstat.")
          .tag("event", e.label()).register(registry);
    }
    FunctionCounter.builder("sockscope.tcp.resets", sampler, s -> mib(s, KernelEvent.OUT_RSTS))
        .description("TCP resets: sent = Tcp OutRsts; received = Tcp EstabResets (established connections ended by a reset).")
        .tag("direction", "sent").register(registry);
    FunctionCounter.builder("sockscope.tcp.resets", sampler, s -> mib(s, KernelEvent.ESTAB_RESETS))
        .description("TCP resets: sent = Tcp OutRsts; received = Tcp EstabResets (established connections ended by a reset).")
        .tag("direction", "received").register(registry);
  }

  private static double mib(SocketSampler s, KernelEvent e) {
    KernelCounters.Sample c = s.counters();
    return c == null ? 0 : c.get(e);
  }

  private Timer timer(Tier tier, String source) {
    return timers.computeIfAbsent(tier.label() + "/" + source, k -> Timer.builder("sockscope.sampler.duration")
        .description("Cost of one sample: tier counters reads the MIBs, tier dump walks every socket.")
        .tag("tier", tier.label()).tag("source", source)
        .serviceLevelObjectives(BUCKETS)
        .register(registry));
  }

  @Override
  public void sampled(Tier tier, String source, long nanos) {
    timer(tier, source).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void failed(Tier tier, Reason reason) {
    errors.get(tier).get(reason).increment();
  }

  @Override
  public MetricSnapshots collect() {
    SocketSnapshot s = snapshot.get();
    return MetricSnapshots.of(
        sockets(s),
        peers(s),
        closeWait(s),
        ephemeralInUse(s),
        gauge("sockscope_tcp_ephemeral_ports_usable", "Local ports connect() may use: ip_local_port_range minus ip_local_reserved_ports.", s.ephemeralUsable()),
        gauge("sockscope_tcp_ephemeral_port_utilization_ratio", "Highest share of the usable ephemeral ports held toward any one destination.", s.ephemeralUtilization()),
        listenQueues(s, false),
        listenQueues(s, true),
        gauge("sockscope_sampler_sockets_scanned", "Sockets seen in the last dump.", s.scanned()),
        peerCloses(s),
        peerRetransmits(s),
        peerRtt(s));
  }

  private static CounterSnapshot peerCloses(SocketSnapshot s) {
    var b = CounterSnapshot.builder().name("sockscope_tcp_peer_closes")
        .help("Connections ended per top-K destination (peer: Service name or IP; port: remote port for clients, local port for servers), by initiator; from destroy events.");
    for (SocketSnapshot.PeerCloses p : s.peerCloses()) {
      for (CloseInitiator i : CloseInitiator.values()) {
        if (p.closes(i) > 0) {
          b.dataPoint(CounterDataPointSnapshot.builder().value(p.closes(i))
              .labels(Labels.of("initiator", i.label(), "peer", p.peer(), "port", p.port())).build());
        }
      }
    }
    return b.build();
  }

  private static CounterSnapshot peerRetransmits(SocketSnapshot s) {
    var b = CounterSnapshot.builder().name("sockscope_tcp_peer_retransmits")
        .help("Retransmitted segments of the connections ended per top-K destination (tcpi_total_retrans of the final tcp_info).");
    for (SocketSnapshot.PeerCloses p : s.peerCloses()) {
      b.dataPoint(CounterDataPointSnapshot.builder().value(p.retransmits())
          .labels(Labels.of("peer", p.peer(), "port", p.port())).build());
    }
    return b.build();
  }

  private static final double[] RTT_UPPER_BOUNDS = java.util.stream.DoubleStream.concat(
      java.util.Arrays.stream(SocketSnapshot.RTT_BOUNDS), java.util.stream.DoubleStream.of(Double.POSITIVE_INFINITY)).toArray();

  private static HistogramSnapshot peerRtt(SocketSnapshot s) {
    var b = HistogramSnapshot.builder().name("sockscope_tcp_peer_rtt_seconds")
        .help("Smoothed round-trip time (tcpi_rtt) at the end of each connection, per top-K destination.");
    for (SocketSnapshot.PeerCloses p : s.peerCloses()) {
      b.dataPoint(HistogramDataPointSnapshot.builder()
          .classicHistogramBuckets(ClassicHistogramBuckets.of(RTT_UPPER_BOUNDS, p.rttBuckets()))
          .sum(p.rttSumSeconds())
          .labels(Labels.of("peer", p.peer(), "port", p.port())).build());
    }
    return b.build();
  }

  private static GaugeSnapshot sockets(SocketSnapshot s) {
    var b = GaugeSnapshot.builder().name("sockscope_tcp_sockets")
        .help("TCP sockets by family, state and role in the last dump.");
    for (int f = 0; f < SocketSnapshot.FAMILIES.length; f++) {
      for (TcpState st : TcpState.values()) {
        if (st == TcpState.NEW_SYN_RECV) {
          continue; // counted as syn_recv, as ss shows it
        }
        for (SocketRole r : SocketRole.values()) {
          b.dataPoint(point(s.count(f, st, r), "family", SocketSnapshot.FAMILIES[f], "role", r.label(), "state", st.label()));
        }
      }
    }
    return b.build();
  }

  private static GaugeSnapshot peers(SocketSnapshot s) {
    var b = GaugeSnapshot.builder().name("sockscope_tcp_peer_sockets")
        .help("Sockets toward the top-K remote endpoints (peer: Service name or IP; port: remote port for clients, local port for servers).");
    for (SocketSnapshot.PeerSockets p : s.peers()) {
      b.dataPoint(point(p.count(), "peer", p.peer(), "port", p.port(), "role", p.role(), "state", p.state()));
    }
    return b.build();
  }

  private static GaugeSnapshot closeWait(SocketSnapshot s) {
    var b = GaugeSnapshot.builder().name("sockscope_tcp_close_wait_oldest_seconds")
        .help("Age of the oldest CLOSE_WAIT socket since it was first seen in CLOSE_WAIT (0 when none).");
    for (SocketRole r : SocketRole.values()) {
      b.dataPoint(point(s.closeWaitOldest(r), "role", r.label()));
    }
    return b.build();
  }

  private static GaugeSnapshot ephemeralInUse(SocketSnapshot s) {
    var b = GaugeSnapshot.builder().name("sockscope_tcp_ephemeral_ports_in_use")
        .help("Local ephemeral ports held toward one destination (remote ip and port), any state, top-K.");
    for (SocketSnapshot.PortsInUse p : s.ephemeralInUse()) {
      b.dataPoint(point(p.inUse(), "peer", p.peer(), "port", p.port()));
    }
    return b.build();
  }

  private GaugeSnapshot listenQueues(SocketSnapshot s, boolean limit) {
    var b = GaugeSnapshot.builder()
        .name(limit ? "sockscope_tcp_listen_queue_limit" : "sockscope_tcp_listen_queue")
        .help(limit ? "Accept queue limit (backlog) per listening port (netlink source only)." : "Connections waiting in the accept queue per listening port.");
    for (ListenQueueCap.Row q : ListenQueueCap.rows(s.listenQueues(), maxListenPorts)) {
      if (!limit || q.limit() >= 0) {
        b.dataPoint(point(limit ? q.limit() : q.queue(), "port", q.port()));
      }
    }
    return b.build();
  }

  private static GaugeSnapshot gauge(String name, String help, double value) {
    return GaugeSnapshot.builder().name(name).help(help).dataPoint(point(value)).build();
  }

  private static GaugeDataPointSnapshot point(double value, String... labels) {
    return GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build();
  }
}
