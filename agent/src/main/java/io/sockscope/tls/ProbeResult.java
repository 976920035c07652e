package io.sockscope.tls;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of one probe, immutable. Certificate facts are present whenever the server presented
 * a chain, whatever failed afterwards (verification, or a client certificate demand).
 *
 * @param failureStage null on success
 * @param failureReason null on success
 * @param detail a human-readable cause (exception message), never a label
 * @param connectDuration null when the connect did not complete
 * @param starttlsDuration the protocol's plaintext step (greeting to "go ahead"), null for plain
 *     TLS or when the step did not complete
 * @param handshakeDuration null when the handshake did not complete
 * @param chain the presented chain, leaf first (empty when none was presented)
 * @param verifyReasons every reason verification failed (empty when it passed or did not run)
 * @param tlsVersion negotiated protocol (TLSv1.3), null without a completed handshake
 * @param cipher negotiated cipher suite, null without a completed handshake
 * @param clientCertNotAfter notAfter of the target's own mTLS client certificate, or null
 */
public record ProbeResult(
    ProbeTarget target,
    Instant startedAt,
    Instant finishedAt,
    FailureStage failureStage,
    FailureReason failureReason,
    String detail,
    Duration connectDuration,
    Duration starttlsDuration,
    Duration handshakeDuration,
    List<CertificateFacts> chain,
    Set<VerifyReason> verifyReasons,
    String tlsVersion,
    String cipher,
    Instant clientCertNotAfter) {

  public ProbeResult {
    chain = List.copyOf(chain);
    verifyReasons = verifyReasons.isEmpty() ? Set.of() : Set.copyOf(verifyReasons);
  }

  /** Connected, handshake done, verification passed. */
  public boolean success() {
    return failureStage == null;
  }

  /**
   * The last stage the probe got to: the failing one, or {@link FailureStage#VERIFY} on success.
   */
  public FailureStage stageReached() {
    return success() ? FailureStage.VERIFY : failureStage;
  }

  public Optional<CertificateFacts> leaf() {
    return chain.isEmpty() ? Optional.empty() : Optional.of(chain.getFirst());
  }

  /**
   * Earliest notAfter of the served chain, served self-signed roots excluded (a served root does
   * not shorten the chain's life: clients use their own copy). The leaf always counts.
   */
  public Optional<Instant> chainNotAfter() {
    return java.util.stream.IntStream.range(0, chain.size())
        .filter(i -> i == 0 || !chain.get(i).selfSigned())
        .mapToObj(i -> chain.get(i).notAfter())
        .min(Comparator.naturalOrder());
  }

  /** Verification reasons in declaration order (stable output for labels and pages). */
  public List<VerifyReason> sortedReasons() {
    return verifyReasons.stream().sorted().toList();
  }
}
