package io.sockscope.tls;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which named groups a probe's ClientHello offers, and so how many key shares it carries.
 *
 * <p>JSSE (JDK 25, {@code sun.security.ssl.KeyShareExtension}) sends a key share for the first XDH
 * group and for the first ECDHE group it offers: with the JDK's list, an x25519 share and a P-256
 * share, whose key pair is generated on every probe although servers pick x25519 (18 % of the
 * prober's CPU at 1,000 targets, docs/performance.md "TLS probe cycle"). JSSE cannot offer a group
 * without sending a share for it ({@code jdk.tls.namedGroups} and {@code
 * SSLParameters.setNamedGroups} set both lists at once), so the one share Go's crypto/tls sends
 * costs offering the XDH groups only. A server without them cannot answer HelloRetryRequest for a
 * group that was not offered: it fails the handshake. Such a target is probed again at once with
 * the JDK's full list and keeps it from then on, as does every target that negotiates TLS 1.2
 * (where the narrow list could change the cipher suite the server chooses, and so {@code
 * sockscope_tls_session_info}); both then see the same ClientHello as before one share.
 */
final class KeyShares {
  /** x25519 first (its share is the one sent); x448 too, both XDH, so no second share. */
  private static final String[] XDH_ONLY = {"x25519", "x448"};

  /** Targets remembered at most; past this the memory starts over (each re-learns in one probe). */
  private static final int REMEMBERED_MAX = 65_536;

  private final Set<String> allGroups = ConcurrentHashMap.newKeySet();
  private final boolean enabled;

  /** One share unless {@code jdk.tls.namedGroups} is set: an operator's group policy wins. */
  KeyShares() {
    this(System.getProperty("jdk.tls.namedGroups") == null);
  }

  KeyShares(boolean enabled) {
    this.enabled = enabled;
  }

  /** The groups to offer to {@code t}, or null for the JDK's own list. */
  String[] groupsFor(ProbeTarget t) {
    return enabled && !allGroups.contains(t.id()) ? XDH_ONLY.clone() : null;
  }

  /** From now on {@code t} is offered the JDK's full list. */
  void useAllGroups(ProbeTarget t) {
    if (allGroups.size() >= REMEMBERED_MAX) {
      allGroups.clear();
    }
    allGroups.add(t.id());
  }

  /**
   * Whether a probe made with the XDH groups only must be made again with all of them: the
   * handshake failed before the server showed a certificate (no common group, or anything else the
   * narrow list may have caused; a timeout is not retried), or it negotiated below TLS 1.3.
   */
  static boolean needsAllGroups(ProbeAttempt a) {
    if (a.handshake != null) {
      return !"TLSv1.3".equals(a.version);
    }
    return a.stage == FailureStage.HANDSHAKE
        && a.chain.isEmpty()
        && a.reason != FailureReason.TIMEOUT
        && a.reason != FailureReason.CLIENT_CERT_REQUIRED
        && a.reason != FailureReason.CLIENT_CONFIG;
  }
}
