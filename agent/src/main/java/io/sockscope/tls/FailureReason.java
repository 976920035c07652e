package io.sockscope.tls;

import java.util.Locale;

/**
 * The {@code reason} label of a failed probe: network and handshake causes, plus the verification
 * reasons (the first one, by {@link VerifyReason} order, when several hold).
 */
public enum FailureReason {
  /** The one probe deadline passed (resolve, connect or handshake). */
  TIMEOUT,
  /** The name does not resolve. */
  UNKNOWN_HOST,
  /** Connection refused (RST to the SYN): nothing listens there. */
  REFUSED,
  /** No route, network unreachable, or another connect error. */
  UNREACHABLE,
  /**
   * The server answered the protocol's TLS request with "no": PostgreSQL {@code N}, MySQL without
   * {@code CLIENT_SSL}, SMTP/IMAP/POP3 without or refusing STARTTLS/STLS, LDAP StartTLS result
   * other than success.
   */
  STARTTLS_REFUSED,
  /** The peer reset or closed the connection during the STARTTLS step or the handshake. */
  RESET,
  /** The server asked for a client certificate and rejected the handshake without one. */
  CLIENT_CERT_REQUIRED,
  /**
   * The server presented more certificates (or a larger Certificate message) than the TLS stack
   * accepts: {@code tls.maxChainLength}, see {@link ChainLimit}.
   */
  CHAIN_TOO_LONG,
  /**
   * A TLS alert or protocol error (no common version or cipher, bad record...), or, at the {@code
   * starttls} stage, an answer that is not the protocol's (a greeting that is not one).
   */
  PROTOCOL_ERROR,
  /** The client certificate or key of the target could not be loaded. */
  CLIENT_CONFIG,
  EXPIRED,
  NOT_YET_VALID,
  HOSTNAME_MISMATCH,
  UNTRUSTED,
  INCOMPLETE_CHAIN,
  WEAK_KEY,
  WEAK_SIGNATURE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static FailureReason of(VerifyReason r) {
    return valueOf(r.name());
  }
}
