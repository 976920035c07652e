package io.sockscope.sockets;

import java.util.Comparator;

/**
 * A remote endpoint as the per-destination series name it: the remote address and the port that
 * names the service. For a client connection that is the remote port; for a server connection the
 * remote port is the client's ephemeral port (unbounded, meaningless), so it is the local
 * listening port: "this client of our port 8080".
 */
record Destination(int family, long hi, long lo, int port) {
  static final Comparator<Destination> ORDER = Comparator.comparingInt(Destination::family)
      .thenComparingLong(Destination::hi).thenComparingLong(Destination::lo)
      .thenComparingInt(Destination::port);

  static Destination of(int family, long hi, long lo, int localPort, int remotePort, SocketRole role) {
    return new Destination(family, hi, lo, role == SocketRole.SERVER ? localPort : remotePort);
  }

  String address() {
    return Addresses.text(family, hi, lo);
  }

  /** A non-zero 64-bit hash, for primitive sets. */
  long hash() {
    long h = (hi * 0x9E3779B97F4A7C15L) ^ Long.rotateLeft(lo * 0xBF58476D1CE4E5B9L, 17)
        ^ ((long) family << 20 | port) * 0x94D049BB133111EBL;
    return h == 0 ? 1 : h;
  }
}
