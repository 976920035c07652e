package io.sockscope.tls;

import java.util.Locale;

/** Where a probe stopped: the phases run in this order, the first failing one is reported. */
public enum FailureStage {
  RESOLVE,
  CONNECT,
  /** The plaintext step before TLS (PostgreSQL SSLRequest, SMTP STARTTLS, LDAP StartTLS...). */
  STARTTLS,
  HANDSHAKE,
  VERIFY;

  /** The metric label value ({@code resolve}, {@code connect}, ...). */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
