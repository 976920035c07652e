package io.sockscope.util;

/**
 * The one way {@code HOST:PORT} is written (IPv6 in brackets, RFC 3986 §3.2.2), shared by the
 * JDK-only packages: the socket sampler's peer endpoints, the TLS prober's target labels, the
 * agent's own listen address. {@code tls.ProbeTarget.parse} reads it back.
 */
public final class HostPortText {
  private HostPortText() {}

  public static String format(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
