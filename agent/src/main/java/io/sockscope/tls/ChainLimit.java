package io.sockscope.tls;

/**
 * How many certificates a server may present before the TLS stack refuses the handshake ({@code
 * tls.maxChainLength}). JSSE refuses a server chain longer than {@code
 * jdk.tls.client.maxInboundCertificateChainLength} (10 by default) and a handshake message larger
 * than {@code jdk.tls.maxHandshakeMessageSize} (32 KiB), while parsing the Certificate message,
 * before any trust manager sees the chain: chains of 16 or 61 certificates ended as {@code
 * protocol_error} with no fact (issue 13). Both are read once, when JSSE first initialises, so
 * {@link #apply} runs before the agent makes any TLS context; a value given with {@code -D} wins.
 * A longer chain fails with {@link FailureReason#CHAIN_TOO_LONG}.
 */
public final class ChainLimit {
  static final String CHAIN_PROPERTY = "jdk.tls.client.maxInboundCertificateChainLength";
  static final String SIZE_PROPERTY = "jdk.tls.maxHandshakeMessageSize";

  /** Room per certificate in the Certificate message: an RSA-4096 certificate is ~1.5 KiB. */
  static final int BYTES_PER_CERTIFICATE = 4096;

  private ChainLimit() {}

  /** Sets the JSSE limits for chains of up to {@code maxChainLength} certificates. */
  public static void apply(int maxChainLength) {
    setIfAbsent(CHAIN_PROPERTY, maxChainLength);
    setIfAbsent(SIZE_PROPERTY, Math.max(32_768, maxChainLength * BYTES_PER_CERTIFICATE));
  }

  private static void setIfAbsent(String property, int value) {
    if (System.getProperty(property) == null) {
      System.setProperty(property, String.valueOf(value));
    }
  }

  /** JSSE's messages for a Certificate message over its limits. */
  static boolean isTooLong(String message) {
    String m = message.toLowerCase(java.util.Locale.ROOT);
    return m.contains("certificate chain length") || m.contains("size of the handshake message");
  }
}
