package io.sockscope.sockets;

import java.util.Locale;

/**
 * Role of a socket (docs/metrics.md, sockscope_tcp_sockets): {@code server} if its local port is a LISTEN port of the namespace;
 * {@code client} if the local port is in the ephemeral range and not listening; else {@code other}.
 */
public enum SocketRole {
  CLIENT,
  SERVER,
  OTHER;

  private static final SocketRole[] VALUES = values();

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static SocketRole of(int ordinal) {
    return VALUES[ordinal];
  }
}
