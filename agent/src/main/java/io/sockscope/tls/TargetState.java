package io.sockscope.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the scheduler knows about one target: an immutable value replaced after every probe.
 *
 * @param last the latest result
 * @param lastPresented the latest result in which the server presented a chain (certificate facts
 *     survive a later timeout: an expiry alert must not go quiet because the server went down)
 * @param lastSuccess when the latest successful probe finished, or null
 * @param recentHandshakes handshake durations of the last few completed handshakes, oldest first
 */
public record TargetState(
    ProbeTarget target,
    ProbeResult last,
    ProbeResult lastPresented,
    Instant lastSuccess,
    List<Duration> recentHandshakes) {
  static final int RECENT = 16;

  public TargetState {
    recentHandshakes = List.copyOf(recentHandshakes);
  }

  /** The state after a single result (the {@code /probe} endpoint). */
  public static TargetState of(ProbeResult r) {
    return new TargetState(r.target(), r, null, null, List.of()).next(r);
  }

  TargetState next(ProbeResult r) {
    List<Duration> recent = recentHandshakes;
    if (r.handshakeDuration() != null) {
      var l = new ArrayList<>(recentHandshakes);
      l.add(r.handshakeDuration());
      recent = l.subList(Math.max(0, l.size() - RECENT), l.size());
    }
    return new TargetState(
        r.target(),
        r,
        r.chain().isEmpty() ? lastPresented : r,
        r.success() ? r.finishedAt() : lastSuccess,
        recent);
  }

  /** Median of the recent handshake durations, or null when none completed. */
  public Duration handshakeP50() {
    if (recentHandshakes.isEmpty()) {
      return null;
    }
    List<Duration> sorted = recentHandshakes.stream().sorted().toList();
    return sorted.get((sorted.size() - 1) / 2);
  }
}
