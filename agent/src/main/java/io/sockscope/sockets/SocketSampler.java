package io.sockscope.sockets;

import io.sockscope.util.RateLimitedLog;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The two sampling tiers (docs/architecture.md) on one thread (the source and the tracker are
 * thread-confined): every {@code counterInterval} tier 0 reads the kernel counters; every {@code
 * dumpInterval}, or early when tier 0 shows the socket count jump, tier 1 dumps every socket. A
 * failed sample is counted and logged at most once a minute per reason; the last good values stay.
 */
public final class SocketSampler implements AutoCloseable {
  private static final Logger logger = System.getLogger(SocketSampler.class.getName());

  /**
   * {@code closeEventBuffer}: receive buffer in bytes for the destroy-event subscription, 0 to
   * attribute closes from dumps and kernel counters only.
   */
  public record Settings(Path procRoot, Duration counterInterval, Duration dumpInterval, int topPeers,
      double earlyDumpJump, int closeEventBuffer) {
    public Settings(Path procRoot, Duration counterInterval, Duration dumpInterval, int topPeers, double earlyDumpJump) {
      this(procRoot, counterInterval, dumpInterval, topPeers, earlyDumpJump, 0);
    }
  }

  private final SocketSource source;
  private final Settings settings;
  private final SamplerListener listener;
  private final RateLimitedLog errors = RateLimitedLog.perMinute(logger);
  private final CloseTracker tracker = new CloseTracker();
  private final SocketAggregator aggregator = new SocketAggregator(tracker);
  private final DestinationCloses destinations;
  private NetlinkDestroyEvents events;
  private long lossAtDump;
  private final List<Consumer<SocketSnapshot>> subscribers = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sockets").daemon().factory());
  private volatile PeerNamer namer = PeerNamer.IP;
  private volatile SocketSnapshot snapshot = SocketSnapshot.empty(EphemeralPorts.LINUX_DEFAULT.usable());
  private volatile KernelCounters.Sample counters;
  private volatile boolean dumped;
  private EphemeralPorts ephemeral = EphemeralPorts.LINUX_DEFAULT;
  private KernelCounters.Sample countersAtDump;
  private long timeWaitAtDump = -1;
  private long[] establishedAtDump = new long[SocketSnapshot.ROLES];
  private long[] openAtDump = new long[SocketSnapshot.ROLES];
  private long socketsAtDump = -1;
  private long nextDumpNanos;

  public SocketSampler(SocketSource source, Settings settings, SamplerListener listener) {
    this.source = source;
    this.settings = settings;
    this.listener = listener;
    this.destinations = new DestinationCloses(settings.topPeers());
  }

  /** Starts sampling: a first dump at once (the baseline), then the two tiers. */
  public void start() {
    if (settings.closeEventBuffer() > 0 && events == null) {
      // Events come from the agent's own namespace: only meaningful when procRoot shows it too.
      if (settings.procRoot().equals(Path.of("/proc"))) {
        try {
          useEvents(NetlinkDestroyEvents.open(settings.closeEventBuffer()));
          logger.log(Level.INFO, "socket end events: subscribed to the TCP destroy broadcast (receive buffer "
              + settings.closeEventBuffer() + " bytes); closes are attributed per connection");
        } catch (IOException e) {
          logger.log(Level.INFO, "socket end events unavailable (" + e.getMessage()
              + "); closes are attributed from dumps and kernel counters");
        }
      }
    }
    long period = settings.counterInterval().toNanos();
    thread.scheduleWithFixedDelay(this::tick, 0, period, TimeUnit.NANOSECONDS);
  }

  /** Attributes closes from {@code source}'s destroy events (started here, closed with the sampler). */
  void useEvents(NetlinkDestroyEvents source) {
    events = source;
    tracker.useEvents(source.ring(), destinations);
    source.start();
  }

  /** True while closes come from destroy events. */
  public boolean closeEventsEnabled() {
    return events != null;
  }

  public void setPeerNamer(PeerNamer namer) {
    this.namer = namer;
  }

  public void watchPorts(java.util.Set<Integer> ports) {
    thread.execute(() -> aggregator.watchPorts(ports));
  }

  /** Called on the sampler thread after every successful dump. */
  public void subscribe(Consumer<SocketSnapshot> subscriber) {
    subscribers.add(subscriber);
  }

  public SocketSnapshot snapshot() {
    return snapshot;
  }

  /** The latest tier-0 read, or null before the first one succeeded. */
  public KernelCounters.Sample counters() {
    return counters;
  }

  /** True once a dump succeeded (readiness). */
  public boolean ready() {
    return dumped;
  }

  void tick() {
    try {
      boolean jumped = readCounters();
      long now = System.nanoTime();
      // Events wait for a dump to be settled: dump early rather than let the ring fill up.
      boolean ringFilling = events != null && events.ring().available() > events.ring().capacity() / 2;
      if (!dumped || jumped || ringFilling || now - nextDumpNanos >= 0) {
        nextDumpNanos = now + settings.dumpInterval().toNanos();
        dump();
      }
    } catch (RuntimeException | Error e) {
      // Never let an exception cancel the schedule: the sampler thread must outlive any sample.
      fail(SamplerListener.Tier.DUMP, new RuntimeException(e));
    }
  }

  /** Tier 0. Returns true when the socket count moved enough since the last dump to dump early. */
  private boolean readCounters() {
    long t0 = System.nanoTime();
    try {
      KernelCounters.Sample s = KernelCounters.read(settings.procRoot());
      listener.sampled(SamplerListener.Tier.COUNTERS, "kernel", System.nanoTime() - t0);
      counters = s;
      long sockets = s.inUse() + s.timeWait();
      if (socketsAtDump < 0) {
        return false;
      }
      long delta = Math.abs(sockets - socketsAtDump);
      return delta >= Math.max(64, settings.earlyDumpJump() * socketsAtDump);
    } catch (IOException | RuntimeException e) {
      fail(SamplerListener.Tier.COUNTERS, e);
      return false;
    }
  }

  /** TIME_WAIT entries now, or -1 when they cannot be read (the tier-0 read then stands in). */
  private long timeWaitEntries() {
    try {
      return KernelCounters.timeWaitEntries(settings.procRoot());
    } catch (IOException | RuntimeException e) {
      fail(SamplerListener.Tier.COUNTERS, e);
      return -1;
    }
  }

  /** Tier 1: one dump, folded into a snapshot; close closes reconciled with the MIB deltas. */
  private void dump() {
    long t0 = System.nanoTime();
    try {
      ephemeral = EphemeralPorts.read(settings.procRoot());
    } catch (IOException e) {
      fail(SamplerListener.Tier.DUMP, e); // keep the last known range and go on
    }
    try {
      long loss = events == null ? 0 : events.lossEpoch(); // before begin() drains the ring
      aggregator.begin(t0 / 1_000_000_000L, ephemeral, source.reportsListenLimit());
      KernelCounters.Sample mib = counters; // this tick's, read before begin()
      // With events, TIME_WAIT entries are read again once begin() has taken the events to
      // settle: each local close those events tell is then in the count CloseTracker compares
      // them with. Only that count: the other counters stay read before begin(), which is what
      // the ends in flight during the walk (events the next dump takes) are balanced against.
      long timeWaitAfterBegin = events == null ? -1 : timeWaitEntries();
      source.dump(TcpState.ALL_STATES, aggregator);
      long took = System.nanoTime() - t0;
      boolean baseline = tracker.isBaseline();
      long[] established = aggregator.established();
      long[] open = aggregator.open();
      aggregator.endDump();
      boolean haveDeltas = mib != null && countersAtDump != null;
      if (!baseline && tracker.eventsMode()) {
        if (haveDeltas) {
          long timeWaitEntered = timeWaitAfterBegin >= 0 && timeWaitAtDump >= 0
              ? Math.max(0, timeWaitAfterBegin - timeWaitAtDump)
              : timeWaitEntered(countersAtDump, mib);
          tracker.reconcileEvents(opened(countersAtDump, mib), minus(open, openAtDump), timeWaitEntered,
              delta(countersAtDump, mib, KernelEvent.ESTAB_RESETS), delta(countersAtDump, mib, KernelEvent.ATTEMPT_FAILS),
              loss != lossAtDump);
        } else {
          tracker.settleWithoutCounters();
        }
      } else if (!baseline && haveDeltas) {
        tracker.reconcile(opened(countersAtDump, mib), minus(established, establishedAtDump),
            timeWaitEntered(countersAtDump, mib),
            delta(countersAtDump, mib, KernelEvent.ESTAB_RESETS));
      }
      lossAtDump = loss;
      countersAtDump = mib;
      timeWaitAtDump = timeWaitAfterBegin;
      establishedAtDump = established;
      openAtDump = open;
      socketsAtDump = mib == null ? -1 : mib.inUse() + mib.timeWait();
      var eventState = events == null ? SocketSnapshot.CloseEvents.DISABLED
          : new SocketSnapshot.CloseEvents(true, events.received(), tracker.lostEvents());
      SocketSnapshot s = aggregator.build(source.name(), took, namer, settings.topPeers(),
          events == null ? null : destinations, eventState);
      snapshot = s;
      dumped = true;
      listener.sampled(SamplerListener.Tier.DUMP, source.name(), took);
      for (Consumer<SocketSnapshot> sub : subscribers) {
        sub.accept(s);
      }
    } catch (IOException | RuntimeException e) {
      fail(SamplerListener.Tier.DUMP, e);
    }
  }

  private static long[] opened(KernelCounters.Sample a, KernelCounters.Sample b) {
    long active = b.get(KernelEvent.ACTIVE_OPENS) - a.get(KernelEvent.ACTIVE_OPENS);
    long failed = b.get(KernelEvent.ATTEMPT_FAILS) - a.get(KernelEvent.ATTEMPT_FAILS);
    long passive = b.get(KernelEvent.PASSIVE_OPENS) - a.get(KernelEvent.PASSIVE_OPENS);
    long[] out = new long[SocketSnapshot.ROLES];
    out[SocketRole.CLIENT.ordinal()] = Math.max(0, active - failed);
    out[SocketRole.SERVER.ordinal()] = passive;
    return out;
  }

  private static long timeWaitEntered(KernelCounters.Sample a, KernelCounters.Sample b) {
    return Math.max(0, b.timeWaitEntries() - a.timeWaitEntries());
  }

  private static long delta(KernelCounters.Sample a, KernelCounters.Sample b, KernelEvent e) {
    return Math.max(0, b.get(e) - a.get(e));
  }

  private static long[] minus(long[] a, long[] b) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i] - b[i];
    }
    return out;
  }

  private void fail(SamplerListener.Tier tier, Exception e) {
    SamplerListener.Reason reason = SamplerListener.Reason.of(e);
    listener.failed(tier, reason);
    errors.log(Level.WARNING, tier.label() + "/" + reason.label(),
        "socket sample failed (" + tier.label() + ", " + reason.label() + "): " + e.getMessage()
            + "; serving the last good values");
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException ignored) {
      Thread.currentThread().interrupt();
    }
    if (events != null) {
      events.close();
    }
    source.close();
  }
}
