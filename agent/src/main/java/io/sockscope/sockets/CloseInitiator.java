package io.sockscope.sockets;

import java.util.Locale;

/** Who sent the first FIN of a connection; {@code unknown} when it could not be seen. */
public enum CloseInitiator {
  LOCAL,
  PEER,
  UNKNOWN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
