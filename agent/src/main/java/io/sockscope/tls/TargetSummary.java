package io.sockscope.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One row of the status page's TLS table.
 *
 * @param protocol the step before TLS ({@code tls}, {@code postgres}, ...)
 * @param daysLeft days until the leaf's notAfter (negative once expired), null without a chain
 * @param verified true when the latest probe succeeded
 * @param stage failure stage label, null on success
 * @param reason failure reason label, null on success
 * @param reasons every verification reason label of the latest probe
 * @param version negotiated TLS version, null without a handshake
 * @param handshakeP50 median handshake time over the recent probes, null when none completed
 */
public record TargetSummary(
    String target,
    String source,
    String protocol,
    Double daysLeft,
    boolean verified,
    String stage,
    String reason,
    List<String> reasons,
    String version,
    Duration handshakeP50,
    Instant lastProbe) {

  static TargetSummary of(TargetState s, Instant now) {
    ProbeResult r = s.last();
    Double days =
        (s.lastPresented() == null ? r : s.lastPresented())
            .leaf()
            .map(l -> Duration.between(now, l.notAfter()).toSeconds() / 86400.0)
            .orElse(null);
    return new TargetSummary(
        s.target().id(),
        s.target().source().label(),
        s.target().protocol().label(),
        days,
        r.success(),
        r.failureStage() == null ? null : r.failureStage().label(),
        r.failureReason() == null ? null : r.failureReason().label(),
        r.sortedReasons().stream().map(VerifyReason::label).toList(),
        r.tlsVersion(),
        s.handshakeP50(),
        r.finishedAt());
  }
}
