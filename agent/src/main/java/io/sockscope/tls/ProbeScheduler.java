package io.sockscope.tls;

import io.sockscope.util.RateLimitedLog;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Probes every target at its interval: first within {@link #FIRST_PROBE_WITHIN} (and within the
 * interval), then every interval ±10 % after its last probe ended, so targets do not probe in
 * lock-step.
 *
 * <p>Targets wait in a queue ordered by the time they fall due, not on threads: one dispatcher
 * takes a probe slot, then the earliest due target, and runs that one probe on a virtual thread
 * of its own. Between probes a target is a queue entry of a few bytes; a virtual thread parked per
 * target (the design before) kept a stack chunk and a thread object per target on the heap,
 * ~3 MB at 1,000 targets (docs/performance.md, "TLS probe cycle").
 *
 * <p>Fairness (issue 13: 500 tarpits delayed a healthy target's first probe by 46 s): slots go to
 * targets in the order they fall due, and a probe holds its slot for at most {@link #SLOT_HOLD},
 * then runs on without one until it ends or times out. A target that never answers thus costs one
 * slot for {@link #SLOT_HOLD} and one socket for one timeout; probes in flight stay bounded
 * because each target has at most one, and targets are capped ({@code maxTargets}). {@link #lag()}
 * says how late the oldest due probe is.
 *
 * <p>Targets come from several sources ({@code static} from the configuration, {@code peer} from
 * the socket sampler, {@code service}/{@code ingress} from Kubernetes discovery); each source
 * replaces its own set with {@link #setTargets(ProbeSource, Collection)}. A target listed by two
 * sources is probed once, labelled with the source that listed it first.
 */
public final class ProbeScheduler implements AutoCloseable {
  public static final Duration FIRST_PROBE_WITHIN = Duration.ofSeconds(5);

  /**
   * How long a probe keeps its slot. A handshake's CPU work is a few milliseconds; beyond this a
   * probe only waits for the network, which costs a socket, not a slot.
   */
  public static final Duration SLOT_HOLD = Duration.ofMillis(250);

  /** A probe that waited this long for a slot is logged (rate-limited): the lag, in words. */
  private static final long LATE_LOG_NANOS = Duration.ofSeconds(10).toNanos();

  /** Default of {@code tls.maxTargets}. */
  public static final int DEFAULT_MAX_TARGETS = 256;

  private static final Logger logger = System.getLogger(ProbeScheduler.class.getName());
  private static final RateLimitedLog log = RateLimitedLog.perMinute(logger);

  /** The probe function ({@link TlsProber#probe(ProbeTarget, Duration)} in production). */
  @FunctionalInterface
  public interface Probe {
    ProbeResult probe(ProbeTarget target, Duration timeout);
  }

  /** Notified on the probing thread after each result, and when a target is removed. */
  public interface Listener {
    void onResult(ProbeResult result);

    default void onRemoved(ProbeTarget target) {}
  }

  private final Probe probe;
  private final Duration defaultInterval;
  private final Duration timeout;
  private final Semaphore permits;
  private final DelayQueue<Due> due = new DelayQueue<>();
  private final Clock clock;
  private final Map<ProbeSource, Map<String, ProbeTarget>> bySource =
      new java.util.EnumMap<>(ProbeSource.class);
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final Map<String, TargetState> states = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final int maxTargets;
  private final int concurrency;
  private final ScheduledThreadPoolExecutor slotTimer;
  private final Thread dispatcher;
  private volatile int targetsCut;
  private volatile boolean closed;

  public ProbeScheduler(
      Probe probe, Duration defaultInterval, Duration timeout, int concurrency, Clock clock) {
    this(probe, defaultInterval, timeout, concurrency, clock, DEFAULT_MAX_TARGETS);
  }

  /** {@code maxTargets}: targets probed at most, all sources together; the rest are cut. */
  public ProbeScheduler(
      Probe probe,
      Duration defaultInterval,
      Duration timeout,
      int concurrency,
      Clock clock,
      int maxTargets) {
    this.maxTargets = maxTargets;
    this.slotTimer =
        // a virtual thread: it only waits on the delay queue, no platform stack for that
        new ScheduledThreadPoolExecutor(1, Thread.ofVirtual().name("tls-slots").factory());
    this.slotTimer.setRemoveOnCancelPolicy(true);
    this.probe = probe;
    this.defaultInterval = defaultInterval;
    this.timeout = timeout;
    // only the dispatcher acquires, in due order: no fairness needed from the semaphore
    this.permits = new Semaphore(concurrency);
    this.concurrency = concurrency;
    this.clock = clock;
    this.dispatcher = Thread.ofVirtual().name("tls-dispatch").start(this::dispatch);
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  /**
   * Replaces the targets of {@code source} (static, peer, service, ingress). New targets are probed
   * within 5 s; targets no source lists any more stop, lose their state, and listeners hear {@link
   * Listener#onRemoved}. Beyond {@code maxTargets} (sources in the order they first listed
   * targets, static first in the agent) the rest are not probed and counted by {@link
   * #targetsCut()}. Safe to call from any thread, at any time.
   */
  public synchronized void setTargets(ProbeSource source, Collection<ProbeTarget> targets) {
    if (closed) {
      return;
    }
    Map<String, ProbeTarget> mine = new LinkedHashMap<>();
    for (ProbeTarget t : targets) {
      mine.putIfAbsent(t.id(), t.withSource(source));
    }
    bySource.put(source, mine);
    Map<String, ProbeTarget> all = new LinkedHashMap<>();
    bySource.values().forEach(m -> m.forEach(all::putIfAbsent));
    Map<String, ProbeTarget> wanted = new LinkedHashMap<>();
    for (var e : all.entrySet()) {
      if (wanted.size() == maxTargets) {
        break;
      }
      wanted.put(e.getKey(), e.getValue());
    }
    targetsCut = all.size() - wanted.size();
    for (var it = workers.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      ProbeTarget w = wanted.get(e.getKey());
      if (!e.getValue().target.equals(w)) {
        it.remove();
        e.getValue().stop();
        states.remove(e.getKey());
        if (w == null) {
          listeners.forEach(l -> l.onRemoved(e.getValue().target));
        }
      }
    }
    wanted.forEach((id, t) -> workers.computeIfAbsent(id, k -> new Worker(t)));
  }

  /** Number of targets listed by each source (the {@code sockscope_discovery_targets} gauge). */
  public synchronized Map<ProbeSource, Integer> targetCounts() {
    Map<ProbeSource, Integer> out = new LinkedHashMap<>();
    bySource.forEach((s, m) -> out.put(s, m.size()));
    return out;
  }

  /** The deadline of one probe. */
  public Duration timeout() {
    return timeout;
  }

  /** Targets listed by a source but not probed: beyond {@code maxTargets} at the last change. */
  public int targetsCut() {
    return targetsCut;
  }

  /**
   * How late the oldest due probe is: the longest a target has been waiting for a slot past the
   * time its probe was due; zero when every due probe is running.
   */
  public Duration lag() {
    Due head = due.peek(); // the earliest due; a removed target's entry is gone already
    return head == null ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - head.at));
  }

  /** The latest state of every target probed at least once, by target id. */
  public Map<String, TargetState> states() {
    return Map.copyOf(states);
  }

  /** The latest state of one target (by {@link ProbeTarget#id()}), without copying the map. */
  public java.util.Optional<TargetState> state(String id) {
    return java.util.Optional.ofNullable(states.get(id));
  }

  /** Rows for the status page, ordered by days left (soonest first), then target. */
  public List<TargetSummary> summaries() {
    var now = clock.instant();
    List<TargetSummary> rows = new ArrayList<>();
    states.values().forEach(s -> rows.add(TargetSummary.of(s, now)));
    rows.sort(
        Comparator.comparing(
                (TargetSummary r) -> r.daysLeft() == null ? Double.MAX_VALUE : r.daysLeft())
            .thenComparing(TargetSummary::target));
    return rows;
  }

  @Override
  public synchronized void close() {
    closed = true;
    workers.values().forEach(Worker::stop);
    workers.clear();
    dispatcher.interrupt();
    slotTimer.shutdownNow();
  }

  private void record(Worker w, ProbeResult r) {
    if (w.stopped) {
      return; // removed while probing: its series must not come back
    }
    String id = r.target().id();
    states.compute(id, (k, old) -> old == null ? TargetState.of(r) : old.next(r));
    if (w.stopped) {
      states.remove(id); // lost a race with setTargets: drop what was just stored
      return;
    }
    for (Listener l : listeners) {
      try {
        l.onResult(r);
      } catch (RuntimeException e) {
        logger.log(Level.WARNING, "TLS listener failed: " + e);
      }
    }
  }

  /**
   * Takes a slot, then the earliest due target (waiting until it is due), and starts its probe:
   * slots go out in due order, and only probes in flight have a thread.
   */
  private void dispatch() {
    try {
      while (!closed) {
        permits.acquire();
        Slot slot = new Slot();
        Due next;
        try {
          next = due.take();
        } catch (InterruptedException e) {
          slot.release();
          throw e;
        }
        if (next.worker.stopped) {
          slot.release(); // removed while waiting; its entry was dropped or is stale
          continue;
        }
        long waited = System.nanoTime() - next.at;
        if (waited > LATE_LOG_NANOS) {
          log.log(Level.WARNING, "late", "TLS probes run late: " + next.worker.target.id()
              + " waited " + waited / 1_000_000 + " ms for a probe slot (tls.concurrency "
              + concurrency + "; sockscope_tls_probe_lag_seconds)");
        }
        try {
          next.worker.start(slot);
        } catch (RuntimeException e) {
          slot.release();
          log.log(Level.WARNING, next.worker.target.id(), "TLS probe of "
              + next.worker.target.id() + " did not start: " + e);
          next.worker.dueIn(defaultInterval.toNanos());
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** A target's place in the queue: due at {@code at} (System.nanoTime()). */
  private record Due(Worker worker, long at) implements Delayed {
    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(at, ((Due) o).at);
    }
  }

  private final class Worker {
    final ProbeTarget target;
    final long intervalMillis;
    volatile boolean stopped;
    /** This target's entry in the queue, while it waits for its next probe. */
    volatile Due queued;
    /** The thread of the probe in flight, or null. */
    volatile Thread running;

    Worker(ProbeTarget target) {
      this.target = target;
      this.intervalMillis =
          (target.interval() != null ? target.interval() : defaultInterval).toMillis();
      long first = Math.min(FIRST_PROBE_WITHIN.toMillis(), intervalMillis);
      dueIn(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(Math.max(1, first))));
    }

    void dueIn(long nanos) {
      Due d = new Due(this, System.nanoTime() + nanos);
      queued = d;
      due.add(d);
      if (stopped) {
        due.remove(d); // lost a race with stop()
      }
    }

    void stop() {
      stopped = true;
      Due d = queued;
      if (d != null) {
        due.remove(d);
      }
      Thread t = running;
      if (t != null) {
        t.interrupt();
      }
    }

    void start(Slot slot) {
      queued = null;
      Thread.ofVirtual().name("tls-probe " + target.id()).start(() -> run(slot));
    }

    private void run(Slot slot) {
      running = Thread.currentThread();
      ScheduledFuture<?> handOver;
      try {
        handOver = slotTimer.schedule(slot::release, SLOT_HOLD.toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        slot.release(); // closed meanwhile
        running = null;
        return;
      }
      try {
        if (!stopped) {
          record(this, probe.probe(target, timeout));
        }
      } catch (RuntimeException e) {
        if (!stopped) { // a probe interrupted by its removal or the shutdown is no news
          log.log(Level.WARNING, target.id(), "TLS probe of " + target.id() + " failed: " + e);
        }
      } finally {
        handOver.cancel(false);
        slot.release();
        running = null;
      }
      if (!stopped && !closed) {
        long jitter = intervalMillis / 10;
        dueIn(TimeUnit.MILLISECONDS.toNanos(
            intervalMillis + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1)));
      }
    }
  }

  /** One probe's slot, given back once: at {@link #SLOT_HOLD} or when the probe ends. */
  private final class Slot {
    private final AtomicBoolean released = new AtomicBoolean();

    void release() {
      if (released.compareAndSet(false, true)) {
        permits.release();
      }
    }
  }
}
