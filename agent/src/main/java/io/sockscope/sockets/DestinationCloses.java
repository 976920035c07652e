package io.sockscope.sockets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cumulative per-destination close accounting in bounded space: connections ended by initiator,
 * and from the final {@code tcp_info} of each ended connection its retransmitted segments and
 * smoothed RTT. At most {@code slots} destinations (the {@code topPeers} cap) have series of their
 * own; every other destination is counted in {@code other}.
 *
 * <p>Counters must never go down, so an event is routed when it happens: to its destination's
 * series if it has one, else to {@code other}. A free slot is taken by the first destination that
 * needs it. Once all are taken, a space-saving summary of recent weight (halved every minute)
 * ranks destinations; at the end of an interval one that weighs more than twice the lightest
 * idle slot's destination takes its place (that series ends; what it counted stays counted in no
 * other series). So the busiest destinations have exact counts from the moment they got a slot,
 * {@code other} holds the rest, and their sum is the exact total.
 */
final class DestinationCloses {
  /** Bounds of the RTT histogram, seconds: 100 µs (same node) to 2.5 s (a sick path). */
  static final double[] RTT_BOUNDS = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5
  };
  private static final double HALF_LIFE_SECONDS = 60;

  /** The counts of one destination (or of {@code other}). */
  static final class Series {
    final long[] closes = new long[CloseInitiator.values().length];
    long retransmits;
    final long[] rttBuckets = new long[RTT_BOUNDS.length + 1]; // not cumulative; last = +Inf
    double rttSumSeconds;
    long rttCount;

    void add(Series o) {
      for (int i = 0; i < closes.length; i++) {
        closes[i] += o.closes[i];
      }
      retransmits += o.retransmits;
      for (int i = 0; i < rttBuckets.length; i++) {
        rttBuckets[i] += o.rttBuckets[i];
      }
      rttSumSeconds += o.rttSumSeconds;
      rttCount += o.rttCount;
    }
  }

  private final int slots;
  private final Map<Destination, Series> admitted = new HashMap<>();
  private final Series other = new Series();
  private final SpaceSaving<Destination> ranking;
  private final LongLongMap folded = new LongLongMap(64);
  private long cutLastInterval;
  private long lastDecaySeconds = Long.MIN_VALUE;

  DestinationCloses(int slots) {
    this.slots = slots;
    this.ranking = new SpaceSaving<>(Math.max(64, 8 * slots), 0);
  }

  void close(Destination d, CloseInitiator initiator, long n) {
    if (n <= 0) {
      return;
    }
    series(d).closes[initiator.ordinal()] += n;
    ranking.offer(d, n);
  }

  /** The final tcp_info of one ended connection toward {@code d}. */
  void tcpInfo(Destination d, long rttMicros, long retransmits) {
    Series s = series(d);
    s.retransmits += retransmits;
    double rtt = rttMicros / 1e6;
    int b = 0;
    while (b < RTT_BOUNDS.length && rtt > RTT_BOUNDS[b]) {
      b++;
    }
    s.rttBuckets[b]++;
    s.rttSumSeconds += rtt;
    s.rttCount++;
  }

  private Series series(Destination d) {
    Series s = admitted.get(d);
    if (s != null) {
      return s;
    }
    if (admitted.size() < slots) {
      s = new Series();
      admitted.put(d, s);
      return s;
    }
    if (folded.get(d.hash(), 0) == 0) {
      folded.put(d.hash(), 1);
    }
    return other;
  }

  /** Ends an interval: counts what was folded, ages the ranking, lets heavier destinations in. */
  void endInterval(long nowSeconds) {
    cutLastInterval = folded.size();
    folded.clear();
    if (lastDecaySeconds != Long.MIN_VALUE && nowSeconds > lastDecaySeconds) {
      ranking.decay(Math.pow(0.5, (nowSeconds - lastDecaySeconds) / HALF_LIFE_SECONDS));
    }
    lastDecaySeconds = nowSeconds;
    if (admitted.size() < slots) {
      return;
    }
    for (SpaceSaving.Entry<Destination> candidate : ranking.sorted(Destination.ORDER)) {
      if (admitted.containsKey(candidate.key())) {
        continue;
      }
      Destination weakest = null;
      double weakestWeight = Double.MAX_VALUE;
      for (Destination d : admitted.keySet()) {
        SpaceSaving.Entry<Destination> e = ranking.get(d);
        double w = e == null ? 0 : e.weight();
        if (w < weakestWeight || w == weakestWeight && weakest != null && Destination.ORDER.compare(d, weakest) < 0) {
          weakest = d;
          weakestWeight = w;
        }
      }
      // Twice as heavy: two destinations of about equal weight must not swap slots every interval.
      if (weakest == null || candidate.weight() - candidate.error() <= 2 * weakestWeight + 1) {
        return; // sorted heaviest first: no later candidate qualifies either
      }
      admitted.remove(weakest);
      admitted.put(candidate.key(), new Series());
    }
  }

  /** Destinations counted in {@code other} during the last interval, for the cut gauge. */
  long cutLastInterval() {
    return cutLastInterval;
  }

  /**
   * The series as exported: destinations named by {@code namer} (two addresses of one Service
   * merge), sorted by name and port, then {@code other} when it counted anything.
   */
  List<SocketSnapshot.PeerCloses> snapshot(PeerNamer namer) {
    Map<List<String>, Series> named = new java.util.TreeMap<>(
        java.util.Comparator.<List<String>, String>comparing(k -> k.get(0)).thenComparing(k -> k.get(1)));
    for (var e : admitted.entrySet()) {
      Destination d = e.getKey();
      named.computeIfAbsent(List.of(namer.name(d.address()), String.valueOf(d.port())), k -> new Series())
          .add(e.getValue());
    }
    Map<List<String>, Series> out = new LinkedHashMap<>(named);
    if (other.rttCount > 0 || java.util.Arrays.stream(other.closes).anyMatch(c -> c > 0)) {
      out.put(List.of("other", "other"), other);
    }
    List<SocketSnapshot.PeerCloses> list = new ArrayList<>(out.size());
    out.forEach((k, s) -> list.add(new SocketSnapshot.PeerCloses(k.get(0), k.get(1), s.closes.clone(),
        s.retransmits, s.rttBuckets.clone(), s.rttSumSeconds, s.rttCount)));
    return List.copyOf(list);
  }
}
