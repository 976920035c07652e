package io.sockscope.sockets;

import java.util.List;

/**
 * What one dump found, folded into aggregates (immutable; metrics, the status page and the JSON
 * snapshot read it). Counts are per family (ipv4, ipv6), state and role.
 */
public record SocketSnapshot(
    long timestampMillis,
    String source,
    long scanned,
    long durationNanos,
    int[] counts,
    List<PeerSockets> peers,
    List<PortsInUse> ephemeralInUse,
    int ephemeralUsable,
    double ephemeralUtilization,
    double[] closeWaitOldestSeconds,
    List<ListenQueue> listenQueues,
    long[] closes,
    List<String> clientEndpoints) {

  // clientEndpoints: HOST:PORT of ESTABLISHED client connections to watched ports (TLS peers).

  public static final String[] FAMILIES = {"ipv4", "ipv6"};
  static final int STATES = 13;
  static final int ROLES = SocketRole.values().length;

  /** Sockets toward one remote endpoint in one state and role. {@code port}: see docs/metrics.md. */
  public record PeerSockets(String peer, String port, String state, String role, long count) {}

  /** Local ephemeral ports held toward one destination, any state. */
  public record PortsInUse(String peer, String port, long inUse) {}

  /** Accept queue of a listening port; {@code limit} is -1 when the source cannot tell (procfs). */
  public record ListenQueue(int port, long queue, long limit) {}

  public static int index(int familyIdx, int stateCode, int role) {
    return (familyIdx * STATES + stateCode) * ROLES + role;
  }

  public int count(int familyIdx, TcpState state, SocketRole role) {
    return counts[index(familyIdx, state.code(), role.ordinal())];
  }

  /** Sum over families and roles. */
  public long count(TcpState state) {
    long n = 0;
    for (int f = 0; f < 2; f++) {
      for (SocketRole r : SocketRole.values()) {
        n += count(f, state, r);
      }
    }
    return n;
  }

  public long closes(CloseInitiator initiator, SocketRole role) {
    return closes[initiator.ordinal() * ROLES + role.ordinal()];
  }

  public double closeWaitOldest(SocketRole role) {
    return closeWaitOldestSeconds[role.ordinal()];
  }

  /** The snapshot before the first dump: everything zero. */
  public static SocketSnapshot empty(int usable) {
    return new SocketSnapshot(0, "none", 0, 0, new int[2 * STATES * ROLES], List.of(), List.of(),
        usable, 0, new double[ROLES], List.of(), new long[3 * ROLES], List.of());
  }
}
