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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs every target on its own virtual thread: first probe within {@link #FIRST_PROBE_WITHIN} (and
 * within the interval), then every interval ±10 % so targets do not probe in lock-step. A global
 * fair semaphore caps concurrent probes; each probe is bounded by the one timeout, so a hung target
 * holds a permit for at most that long and never blocks another target's thread.
 *
 * <p>Targets come from several sources ({@code static} from the configuration, {@code peer} from
 * the socket sampler, {@code service}/{@code ingress} from Kubernetes discovery); each source
 * replaces its own set with {@link #setTargets(ProbeSource, Collection)}. A target listed by two sources
 * is probed once, labelled with the source that listed it first.
 */
public final class ProbeScheduler implements AutoCloseable {
  public static final Duration FIRST_PROBE_WITHIN = Duration.ofSeconds(5);
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
  private final Clock clock;
  private final Map<ProbeSource, Map<String, ProbeTarget>> bySource = new java.util.EnumMap<>(ProbeSource.class);
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final Map<String, TargetState> states = new ConcurrentHashMap<>();
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  public ProbeScheduler(
      Probe probe, Duration defaultInterval, Duration timeout, int concurrency, Clock clock) {
    this.probe = probe;
    this.defaultInterval = defaultInterval;
    this.timeout = timeout;
    this.permits = new Semaphore(concurrency, true);
    this.clock = clock;
  }

  public void addListener(Listener l) {
    listeners.add(l);
  }

  /**
   * Replaces the targets of {@code source} (static, peer, service, ingress). New targets are probed
   * within 5 s; targets no source lists any more stop, lose their state, and listeners hear {@link
   * Listener#onRemoved}. Safe to call from any thread, at any time.
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
    Map<String, ProbeTarget> wanted = new LinkedHashMap<>();
    bySource.values().forEach(m -> m.forEach(wanted::putIfAbsent));
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

  private final class Worker {
    final ProbeTarget target;
    final Thread thread;
    volatile boolean stopped;

    Worker(ProbeTarget target) {
      this.target = target;
      this.thread = Thread.ofVirtual().name("tls-probe " + target.id()).start(this::loop);
    }

    void stop() {
      stopped = true;
      thread.interrupt();
    }

    private void loop() {
      Duration interval = target.interval() != null ? target.interval() : defaultInterval;
      long first = Math.min(FIRST_PROBE_WITHIN.toMillis(), interval.toMillis());
      try {
        Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, first)));
        while (!stopped) {
          permits.acquire();
          try {
            record(this, probe.probe(target, timeout));
          } catch (RuntimeException e) {
            log.log(Level.WARNING, target.id(), "TLS probe of " + target.id() + " failed: " + e);
          } finally {
            permits.release();
          }
          long jitter = interval.toMillis() / 10;
          Thread.sleep(
              interval.toMillis() + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1));
        }
      } catch (InterruptedException e) {
        // removed or shutting down
      }
    }
  }
}
