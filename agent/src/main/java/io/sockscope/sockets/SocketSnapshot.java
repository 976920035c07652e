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
    List<String> clientEndpoints,
    List<PeerCloses> peerCloses,
    CloseEvents closeEvents,
    SeriesCut seriesCut) {

  // clientEndpoints: HOST:PORT of ESTABLISHED client connections to watched ports (TLS peers).

  public static final String[] FAMILIES = {"ipv4", "ipv6"};
  static final int STATES = 13;
  static final int ROLES = SocketRole.values().length;

  /** Sockets toward one remote endpoint in one state and role. {@code port}: see docs/metrics.md. */
  public record PeerSockets(String peer, String port, String state, String role, long count) {}

  /** Local ephemeral ports held toward one destination, any state. */
  public record PortsInUse(String peer, String port, long inUse) {}

  /**
   * Ended connections toward one destination since the agent started (or since the destination
   * got its own series), from destroy events: by initiator (indexed by {@link CloseInitiator}
   * ordinal), retransmitted segments and the smoothed-RTT histogram of the final tcp_info
   * ({@code rttBuckets} per bound of {@link #RTT_BOUNDS}, not cumulative, last one +Inf).
   */
  public record PeerCloses(String peer, String port, long[] closes, long retransmits,
      long[] rttBuckets, double rttSumSeconds, long rttCount) {
    public long closes(CloseInitiator i) {
      return closes[i.ordinal()];
    }
  }

  /** Bounds of {@link PeerCloses#rttBuckets}, seconds. */
  public static final double[] RTT_BOUNDS = DestinationCloses.RTT_BOUNDS.clone();

  /**
   * The destroy-event source: whether it is subscribed, events received, and events the MIBs show
   * were lost (receive-buffer overruns or a full hand-over ring).
   */
  public record CloseEvents(boolean enabled, long received, long lost) {
    static final CloseEvents DISABLED = new CloseEvents(false, 0, 0);
  }

  /**
   * Label sets folded into {@code other} in the latest sample, per capped family: destinations of
   * {@code sockscope_tcp_peer_sockets}, of {@code sockscope_tcp_ephemeral_ports_in_use}, and of
   * the per-destination close series (the same destinations for all three of those).
   */
  public record SeriesCut(long peerSockets, long ephemeralPorts, long peerCloses) {
    static final SeriesCut NONE = new SeriesCut(0, 0, 0);
  }

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
        usable, 0, new double[ROLES], List.of(), new long[CloseInitiator.values().length * ROLES],
        List.of(), List.of(), CloseEvents.DISABLED, SeriesCut.NONE);
  }
}
