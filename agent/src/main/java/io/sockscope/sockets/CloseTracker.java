package io.sockscope.sockets;

/**
 * Counts closed connections by who sent the first FIN (DESIGN §4), from successive dumps.
 *
 * <ul>
 *   <li>A socket first seen in FIN_WAIT1/FIN_WAIT2/CLOSING/TIME_WAIT, or seen moving there from an
 *       open state, was closed locally. This is exact: the active closer holds TIME_WAIT for 60 s,
 *       far longer than a dump interval, so no local close escapes a dump.
 *   <li>A socket first seen in CLOSE_WAIT/LAST_ACK, or moving there, was closed by the peer; so was
 *       an ESTABLISHED socket that vanished without passing through a local-close state.
 *   <li>Connections opened and peer-closed between two dumps are never seen: {@link #reconcile}
 *       counts them as {@code unknown} from the MIB deltas, never guessed.
 * </ul>
 *
 * Sockets present at the first dump are a baseline and never counted. Memory: one primitive map
 * entry per socket (key = cookie or 4-tuple hash; value packs state, role and first-seen time).
 * One thread at a time (the sampler's).
 */
public final class CloseTracker {
  private static final int ROLES = 3;

  private LongLongMap previous = new LongLongMap(1024);
  private LongLongMap current = new LongLongMap(1024);
  private boolean baseline = true;
  private long nowSeconds;
  private final long[] local = new long[ROLES];
  private final long[] peer = new long[ROLES];
  private final long[] unknown = new long[ROLES];
  private final long[] dumpLocal = new long[ROLES];
  private final long[] dumpPeer = new long[ROLES];
  private final long[] carry = new long[ROLES];

  /** Starts a dump at {@code nowSeconds} (any monotonic seconds clock). */
  void begin(long nowSeconds) {
    this.nowSeconds = nowSeconds;
    current.clear();
    java.util.Arrays.fill(dumpLocal, 0);
    java.util.Arrays.fill(dumpPeer, 0);
  }

  /**
   * Records one non-LISTEN socket of the dump.
   *
   * @return when the socket was first seen in its present state (seconds, the clock of begin)
   */
  long observe(long identity, TcpState state, SocketRole role) {
    long before = previous.get(identity, 0);
    long firstSeen = nowSeconds;
    int roleIdx = role.ordinal();
    if (before == 0) {
      if (!baseline) {
        if (state.isLocalCloseState()) {
          dumpLocal[roleIdx]++;
        } else if (state.isPeerCloseState()) {
          dumpPeer[roleIdx]++;
        }
      }
    } else {
      TcpState was = TcpState.ofCode(stateOf(before));
      roleIdx = roleOf(before); // the role is the one the socket had when first seen
      boolean wasClosing = was.isLocalCloseState() || was.isPeerCloseState();
      if (!wasClosing && state.isLocalCloseState()) {
        dumpLocal[roleIdx]++;
      } else if (!wasClosing && state.isPeerCloseState()) {
        dumpPeer[roleIdx]++;
      }
      if (was == state) {
        firstSeen = firstSeenOf(before);
      }
    }
    current.put(identity, pack(state.code(), roleIdx, firstSeen));
    return firstSeen;
  }

  /** Ends a dump: ESTABLISHED sockets that vanished were closed by the peer (or reset). */
  void end() {
    if (!baseline) {
      previous.forEach(
          (key, value) -> {
            if (stateOf(value) == TcpState.ESTABLISHED.code() && current.get(key, 0) == 0) {
              dumpPeer[roleOf(value)]++;
            }
          });
    }
    for (int r = 0; r < ROLES; r++) {
      local[r] += dumpLocal[r];
      peer[r] += dumpPeer[r];
    }
    LongLongMap t = previous;
    previous = current;
    current = t;
    current.clear();
    baseline = false;
  }

  /**
   * Counts as {@code unknown} the closes that the MIBs say happened since the last dump but that no
   * dump saw: {@code opened − Δestablished − seen}, per role, never below zero.
   *
   * @param opened connections that reached ESTABLISHED since the last dump, per role
   * @param establishedDelta change of the ESTABLISHED count since the last dump, per role
   */
  void reconcile(long[] opened, long[] establishedDelta) {
    for (int r = 0; r < ROLES; r++) {
      long left = opened[r] - establishedDelta[r];
      // The MIBs and the dump are not read at the same instant: a connection opened in between
      // shows in one and not the other, and the difference comes back, reversed, next time. A
      // deficit is carried one interval so that such noise cancels instead of becoming "unknown".
      long unseen = left - dumpLocal[r] - dumpPeer[r] + carry[r];
      carry[r] = Math.min(0, unseen);
      if (unseen > 0) {
        unknown[r] += unseen;
      }
    }
  }

  boolean isBaseline() {
    return baseline;
  }

  /** Cumulative closes for an initiator and role since the agent started. */
  public long closes(CloseInitiator initiator, SocketRole role) {
    return switch (initiator) {
      case LOCAL -> local[role.ordinal()];
      case PEER -> peer[role.ordinal()];
      case UNKNOWN -> unknown[role.ordinal()];
    };
  }

  /** Sockets tracked after the last dump (memory is one map entry each). */
  int tracked() {
    return previous.size();
  }

  private static long pack(int stateCode, int role, long firstSeen) {
    return firstSeen << 8 | (long) role << 4 | stateCode;
  }

  private static int stateOf(long v) {
    return (int) (v & 0xF);
  }

  private static int roleOf(long v) {
    return (int) (v >>> 4 & 0x3);
  }

  private static long firstSeenOf(long v) {
    return v >>> 8;
  }
}
