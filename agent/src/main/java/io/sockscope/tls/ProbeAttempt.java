package io.sockscope.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The mutable state of one probe, turned into an immutable {@link ProbeResult} at the end. */
final class ProbeAttempt {
  final ProbeTarget target;
  final Instant started;
  final long deadline;
  /** The named groups the ClientHello offers ({@link KeyShares}); null = the JDK's list. */
  final String[] namedGroups;
  FailureStage stage;
  FailureReason reason;
  String detail;
  Duration connect;
  Duration starttls;
  Duration handshake;
  List<X509Certificate> chain = List.of();
  Set<VerifyReason> reasons = Set.of();
  String version;
  String cipher;
  Instant clientCertNotAfter;

  ProbeAttempt(ProbeTarget target, Instant started, long deadline, String[] namedGroups) {
    this.target = target;
    this.started = started;
    this.deadline = deadline;
    this.namedGroups = namedGroups;
  }

  long remainingNanos() {
    return Math.max(1, deadline - System.nanoTime());
  }

  boolean expired() {
    return System.nanoTime() - deadline >= 0;
  }

  void fail(FailureStage s, FailureReason r, String d) {
    stage = s;
    reason = r;
    detail = d;
  }

  ProbeResult result(Instant finished) {
    return new ProbeResult(
        target,
        started,
        finished,
        stage,
        reason,
        detail,
        connect,
        starttls,
        handshake,
        chain.stream().map(CertificateFacts::of).toList(),
        reasons,
        version,
        cipher,
        clientCertNotAfter);
  }
}
