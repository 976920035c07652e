package io.sockscope.sockets;

/**
 * Counts closed connections by who sent the first FIN (docs/architecture.md), from successive dumps.
 *
 * <ul>
 *   <li>A socket first seen in FIN_WAIT1/FIN_WAIT2/CLOSING/TIME_WAIT, or seen moving there from an
 *       open state, was closed locally. This is exact: the active closer holds TIME_WAIT for 60 s,
 *       far longer than a dump interval, so no local close escapes a dump.
 *   <li>A socket first seen in CLOSE_WAIT/LAST_ACK, or moving there, was closed by the peer; so was
 *       an ESTABLISHED socket that vanished without passing through a local-close state.
 *   <li>Connections opened and peer-closed between two dumps are never seen: {@link #reconcile}
 *       counts them as {@code unknown} from the MIB deltas, never guessed; a local close whose
 *       TIME_WAIT vanished before a dump is still counted local, from the TIME_WAIT entry counter.
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
  private long carryLocal;
  private static final SocketRole[] ROLE_ORDER = {SocketRole.CLIENT, SocketRole.SERVER, SocketRole.OTHER};
  // ESTABLISHED sockets newly absent this dump (+1) minus those absent before and settled now
  // (-1): they left ESTABLISHED in the MIBs' eyes one dump before the tracker decides.
  private final long[] dumpPending = new long[ROLES];

  /** Starts a dump at {@code nowSeconds} (any monotonic seconds clock). */
  void begin(long nowSeconds) {
    this.nowSeconds = nowSeconds;
    current.clear();
    java.util.Arrays.fill(dumpLocal, 0);
    java.util.Arrays.fill(dumpPeer, 0);
    java.util.Arrays.fill(dumpPending, 0);
  }

  /**
   * Records one non-LISTEN socket of the dump.
   *
   * @return when the socket was first seen in its present state (seconds, the clock of begin), or
   *     {@link #DUPLICATE} when this dump delivered it already
   */
  long observe(long identity, TcpState state, SocketRole role) {
    if (current.get(identity, 0) != 0) {
      // Seen already in this dump. A walk resumed between two reads (procfs reads one page per
      // read(); a multi-part netlink reply resumes by bucket and offset) shows a socket twice
      // when another was inserted ahead of it in the same bucket meanwhile.
      return DUPLICATE;
    }
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
      if ((before & MISSED) != 0 && was == TcpState.ESTABLISHED) {
        dumpPending[roleIdx]--; // it was skipped, not gone
      }
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

  /**
   * Ends a dump: ESTABLISHED sockets that vanished were closed by the peer (or reset).
   *
   * <p>A socket absent from one dump is kept one more dump before it counts as gone. Both sources
   * walk a hash table that changes under them, and a walk resumed between two reads (procfs
   * {@code seq_file}, a multi-part netlink reply) can skip a socket; without the grace a skipped
   * TIME_WAIT socket would come back as "new" and count twice.
   */
  void end() {
    previous.forEach(
        (key, value) -> {
          if (current.get(key, 0) != 0) {
            return;
          }
          boolean established = stateOf(value) == TcpState.ESTABLISHED.code();
          if ((value & MISSED) == 0) {
            current.put(key, value | MISSED); // missing once: maybe skipped, keep it
            if (established) {
              dumpPending[roleOf(value)]++;
            }
          } else if (established) {
            dumpPending[roleOf(value)]--;
            if (!baseline) {
              dumpPeer[roleOf(value)]++;
            }
          }
        });
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
   * Settles what no dump saw, from the MIB deltas since the last dump.
   *
   * <p>Local closes: every local close enters TIME_WAIT once (TcpExt {@code TW} counts entries,
   * measured on Linux 6.18: five TIME_WAIT sockets made, TW += 5), or fails to for lack of room
   * ({@code TCPTimeWaitOverflow}). Entries the tracker did not see (a TIME_WAIT killed by an RST
   * before any dump, RFC 1337) are local closes all the same; their role is taken from the role
   * whose open/close balance shows unseen closes, else {@code other}.
   *
   * <p>Other unseen closes ({@code opened − Δestablished − seen}, per role) are {@code unknown}:
   * connections opened and closed by the peer between two dumps. Never below zero.
   *
   * @param opened connections that reached ESTABLISHED since the last dump, per role
   * @param establishedDelta change of the ESTABLISHED count since the last dump, per role
   * @param timeWaitEntered TIME_WAIT entries (plus overflows) since the last dump
   */
  void reconcile(long[] opened, long[] establishedDelta, long timeWaitEntered) {
    long seenLocal = 0;
    for (int r = 0; r < ROLES; r++) {
      seenLocal += dumpLocal[r];
    }
    long unseenLocal = timeWaitEntered - seenLocal + carryLocal;
    carryLocal = Math.min(0, unseenLocal);
    unseenLocal = Math.max(0, unseenLocal);
    long[] unseen = new long[ROLES];
    for (int r = 0; r < ROLES; r++) {
      long left = opened[r] - establishedDelta[r];
      // The MIBs and the dump are not read at the same instant: a connection opened in between
      // shows in one and not the other, and the difference comes back, reversed, next time. A
      // deficit is carried one interval so that such noise cancels instead of becoming "unknown".
      unseen[r] = left - dumpLocal[r] - dumpPeer[r] - dumpPending[r] + carry[r];
      carry[r] = Math.min(0, unseen[r]);
      unseen[r] = Math.max(0, unseen[r]);
    }
    for (SocketRole role : ROLE_ORDER) {
      int r = role.ordinal();
      long take = Math.min(unseenLocal, unseen[r]);
      local[r] += take;
      unseen[r] -= take;
      unseenLocal -= take;
      unknown[r] += unseen[r];
    }
    local[SocketRole.OTHER.ordinal()] += unseenLocal;
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

  /** What {@link #observe} returns for a socket this dump already delivered. */
  static final long DUPLICATE = -1;

  /** Bit 6 of a packed value: the socket was absent from the last dump. */
  private static final long MISSED = 1L << 6;

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
