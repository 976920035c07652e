package io.sockscope.tls;

import java.util.Locale;

/**
 * Why a completed handshake did not verify. A closed set so that {@code reason} labels stay bounded
 * (the objection that kept blackbox_exporter from exporting reasons at all).
 */
public enum VerifyReason {
  /** Some chain element's notAfter is in the past. */
  EXPIRED,
  /** Some chain element's notBefore is in the future. */
  NOT_YET_VALID,
  /** The leaf does not cover the probed name or IP (RFC 6125). */
  HOSTNAME_MISMATCH,
  /** The chain ends at a self-signed certificate (or fails PKIX checks) not among the anchors. */
  UNTRUSTED,
  /** The server did not send an intermediate needed to reach an anchor. */
  INCOMPLETE_CHAIN,
  /** RSA/DSA below 2048 bits or EC below 224 bits. */
  WEAK_KEY,
  /** A served certificate is signed with SHA-1 or MD5. */
  WEAK_SIGNATURE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
