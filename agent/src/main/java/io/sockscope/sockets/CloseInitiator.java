package io.sockscope.sockets;

import java.util.Locale;

/**
 * How a connection ended: who sent the first FIN ({@code local}: this pod, {@code peer}: the
 * remote side), or a reset; {@code unknown} only for ends whose destroy event was lost.
 */
public enum CloseInitiator {
  LOCAL,
  PEER,
  RESET,
  UNKNOWN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
