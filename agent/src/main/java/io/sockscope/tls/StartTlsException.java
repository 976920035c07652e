package io.sockscope.tls;

import java.io.IOException;

/**
 * The server's answer at the {@code starttls} stage: it refused TLS ({@link
 * FailureReason#STARTTLS_REFUSED}) or spoke something else ({@link FailureReason#PROTOCOL_ERROR}).
 * The message quotes at most a short, sanitised piece of what the server said.
 */
final class StartTlsException extends IOException {
  private final FailureReason reason;

  private StartTlsException(FailureReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  static StartTlsException refused(String message) {
    return new StartTlsException(FailureReason.STARTTLS_REFUSED, message);
  }

  static StartTlsException garbage(String message) {
    return new StartTlsException(FailureReason.PROTOCOL_ERROR, message);
  }

  FailureReason reason() {
    return reason;
  }
}
