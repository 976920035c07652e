package io.sockscope.sockets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Counts ended connections by who sent the first FIN, or a reset (docs/sockets.md, "Who closed").
 * Two modes, one per source of truth:
 *
 * <p><b>With destroy events</b> ({@link #useEvents}): the kernel announces every freed socket
 * ({@link NetlinkDestroyEvents}). Each event drained before a dump is settled by that dump:
 *
 * <ul>
 *   <li>{@code local}, per connection: the dump (or the next) holds its TIME_WAIT (or FIN_WAIT2
 *       timewait) twin with the same 4-tuple — the active closer, and only it, enters TIME_WAIT;
 *       or an earlier dump saw it in FIN_WAIT1/FIN_WAIT2/CLOSING. A twin can be gone before any
 *       dump (killed by a reset ~0.15 ms after it was made: docs/sockets.md, "Limits"); the
 *       kernel's TIME_WAIT count then makes that many graceful ends without twin local, those
 *       of destinations with recent local closes ({@link #settleNoTwin}).
 *   <li>{@code peer}, per connection: a dump saw it in CLOSE_WAIT/LAST_ACK (counted at that
 *       sighting, so a leaked CLOSE_WAIT counts while it leaks); or it ended without TIME_WAIT
 *       and its final tcp_info shows our FIN acknowledged ({@link SocketRow#ackedBeyondData}):
 *       both FINs were exchanged and the peer's came first.
 *   <li>{@code reset}, per connection: it ended without TIME_WAIT and our FIN was never
 *       acknowledged (an RST received or sent, an abort, a timeout); or it is an accepted
 *       connection that lost its 4-tuple ({@code SO_LINGER} 0 clears the remote port before the
 *       event). Client aborts that lost their 4-tuple look like failed connects: they are the
 *       tuple-less client events beyond Tcp {@code AttemptFails}, counted since the start (no
 *       destination). On kernels before 4.19 (no {@code tcpi_bytes_sent}) the ends without
 *       TIME_WAIT are split per interval: Tcp {@code EstabResets} of them are resets, in
 *       proportion over their roles and destinations, the rest peer closes.
 *   <li>From an interval where events were lost (ENOBUFS, ring full) until 30 after the last: the
 *       connections the MIBs say ended ({@code opened − Δopen}, per role, since the start, up to
 *       the interval before) minus those received are missing, split by what the counters prove
 *       ({@link LostEnds}): young TIME_WAIT sockets no event claimed are local in their role,
 *       TcpExt TW and EstabResets not yet counted are local closes and resets, the rest peer
 *       closes; {@code unknown} only for the local closes and resets whose role is unknowable
 *       ({@link #settleLost}).
 * </ul>
 *
 * Memory in this mode: only sockets in a closing state (the CLOSE_WAIT age gauge needs them) and
 * the events of one interval; ESTABLISHED and TIME_WAIT sockets are not remembered between dumps.
 *
 * <p><b>Without events</b> (procfs source, subscription refused): successive dumps. A socket first
 * seen in FIN_WAIT1/FIN_WAIT2/CLOSING/TIME_WAIT, or seen moving there, was closed locally (exact:
 * TIME_WAIT lasts 60 s, longer than a dump interval); one first seen in CLOSE_WAIT/LAST_ACK, or
 * moving there, by the peer. An ESTABLISHED socket that vanished, and the connections no dump
 * saw ({@code opened − Δestablished − seen}, per role, from the MIBs), ended without TIME_WAIT:
 * TIME_WAIT entries the dumps missed (Tcp Ext {@code TW}) are local, {@code EstabResets} are
 * resets, and the rest closed by the peer. Sockets present at the first dump are a baseline.
 *
 * <p>One thread at a time (the sampler's).
 */
public final class CloseTracker {
  private static final int ROLES = 3;
  private static final SocketRole[] ROLE_ORDER = {SocketRole.CLIENT, SocketRole.SERVER, SocketRole.OTHER};
  private static final int SERVER = SocketRole.SERVER.ordinal();
  private static final int CLIENT = SocketRole.CLIENT.ordinal();
  private static final int OTHER = SocketRole.OTHER.ordinal();

  private final long[][] closes = new long[CloseInitiator.values().length][ROLES];
  private LongLongMap previous = new LongLongMap(1024);
  private LongLongMap current = new LongLongMap(1024);
  private boolean baseline = true;
  private long nowSeconds;
  private final long[] dumpLocal = new long[ROLES];
  private final long[] dumpPeer = new long[ROLES];
  private final long[] dumpVanished = new long[ROLES];
  private final long[] carry = new long[ROLES];
  private long carryLocal;
  // ESTABLISHED sockets newly absent this dump (+1) minus those absent before and settled now
  // (-1): they left ESTABLISHED in the MIBs' eyes one dump before the tracker decides.
  private final long[] dumpPending = new long[ROLES];

  // Destroy events (null without them).
  private CloseEventRing ring;
  private DestinationCloses destinations;
  private int pending;
  private final LongLongMap pendingIndex = new LongLongMap(64);
  private final BitSet matched = new BitSet();
  private final long[] received = new long[ROLES];
  private final long[] tupleless = new long[ROLES];
  private final Map<PoolKey, long[]> pool = new HashMap<>();
  private long resetCarry;
  private long tuplelessTotal;
  private long attemptFailsTotal;
  private long abortsCounted;
  private long resetsSeen;
  // Local closes settled from the events this dump took at begin(): they ended after the counters
  // the TIME_WAIT deficit is compared with, so the deficit leaves them out.
  private long localOfThisDump;
  // The TIME_WAIT deficit the last two settles could not place (settleNoTwin).
  private long deficitLeft;
  private long deficitLeftBefore;
  // TIME_WAIT lasts TCP_TIMEWAIT_LEN, 60 s: its time left (idiag_expires) dates its entry.
  private static final long TIME_WAIT_MILLIS = 60_000;
  private long lastBeginNanos;
  private long sinceLastMillis = Long.MAX_VALUE;
  private final long[] youngTimeWait = new long[ROLES];
  private final long[] youngUnclaimed = new long[ROLES];
  private final long[] countedGone = new long[ROLES];
  // Local closes per destination hash, in the last three intervals: which graceful ends without
  // twin the kernel's TIME_WAIT count makes local. Bounded: beyond that many destinations an
  // interval, the others rank last.
  private static final int RECENT_DESTINATIONS = 1024;
  private final LongLongMap[] localByDestination = {
      new LongLongMap(64), new LongLongMap(64), new LongLongMap(64)};
  private long resetBalance;
  private final long[] matchedLocal = new long[ROLES];
  private final long[] endedTotal = new long[ROLES];
  private final long[] endedBefore = new long[ROLES];
  private final long[] accountedTotal = new long[ROLES];
  private final long[] unclaimedBefore = new long[ROLES];
  // TIME_WAIT sockets seen entering TIME_WAIT while the loss window is open, per role.
  private final long[] youngInWindow = new long[ROLES];
  private final long[] youngLast = new long[ROLES];
  // Lost ends are settled from the interval a loss is noticed until this many intervals after the
  // last loss. Settled one interval late, they are known only once the churn that lost them has
  // slowed (settleLost): three intervals were too few for 100,000 connections in ~10 s
  // (ManyDestinationsIT, 2 s dumps: 1,789 ends never settled).
  private static final int LOSS_WINDOW = 30;
  private int lossWindow;
  private long lost;

  /** An event whose TIME_WAIT twin the last dump did not show: settled by the next one. */
  private record Deferred(long tuple, int role, Destination destination, int acked) {}

  private List<Deferred> deferred = new ArrayList<>();
  private List<Deferred> deferredNext = new ArrayList<>();
  private final List<Deferred> noTwin = new ArrayList<>();

  /** An end without twin and its destination's recent local closes. */
  private record Ranked(Deferred end, long recentLocal) {}
  private long timeWaitEnteredTotal;
  private final BitSet deferredMatched = new BitSet();
  private static final long DEFERRED = 1L << 40;

  /** A connection that ended without TIME_WAIT, not seen closing: peer or reset. */
  private record PoolKey(int role, Destination destination) {}

  /** Settles connection ends from destroy events handed over through {@code ring}. */
  void useEvents(CloseEventRing ring, DestinationCloses destinations) {
    this.ring = ring;
    this.destinations = destinations;
  }

  boolean eventsMode() {
    return ring != null;
  }

  /** Starts a dump at {@code nowSeconds} (any monotonic seconds clock). */
  void begin(long nowSeconds) {
    long t = System.nanoTime();
    begin(nowSeconds, lastBeginNanos == 0 ? Long.MAX_VALUE : (t - lastBeginNanos) / 1_000_000);
    lastBeginNanos = t;
  }

  /** {@link #begin(long)} with the milliseconds since the last dump began (for tests). */
  void begin(long nowSeconds, long sinceLastMillis) {
    this.nowSeconds = nowSeconds;
    this.sinceLastMillis = sinceLastMillis;
    Arrays.fill(youngTimeWait, 0);
    Arrays.fill(matchedLocal, 0);
    localOfThisDump = 0;
    current.clear();
    Arrays.fill(dumpLocal, 0);
    Arrays.fill(dumpPeer, 0);
    Arrays.fill(dumpVanished, 0);
    Arrays.fill(dumpPending, 0);
    if (ring != null) {
      // Events already here ended before this dump began: their TIME_WAIT twins are in it.
      pending = ring.available();
      pendingIndex.clear();
      matched.clear();
      for (int i = 0; i < pending; i++) {
        pendingIndex.put(ring.tupleHash(i), i + 1);
      }
      deferredMatched.clear();
      for (int j = 0; j < deferred.size(); j++) {
        pendingIndex.put(deferred.get(j).tuple(), DEFERRED + j + 1);
      }
    }
  }

  /**
   * Records one non-LISTEN socket of the dump.
   *
   * @return when the socket was first seen in its present state (seconds, the clock of begin), or
   *     {@link #DUPLICATE} when this dump delivered it already
   */
  long observe(SocketRow row, TcpState state, SocketRole role) {
    if (ring == null) {
      return observe(row.identity(), state, role);
    }
    long key = row.tupleHash();
    if (state == TcpState.TIME_WAIT && TIME_WAIT_MILLIS - row.expiresMs <= sinceLastMillis) {
      youngTimeWait[role.ordinal()]++; // entered TIME_WAIT since the last dump: a local close
    }
    if (state == TcpState.TIME_WAIT || state == TcpState.FIN_WAIT2) {
      long i = pendingIndex.size() == 0 ? 0 : pendingIndex.get(key, 0);
      if (i > DEFERRED) {
        deferredMatched.set((int) (i - DEFERRED - 1));
      } else if (i > 0) {
        matched.set((int) i - 1);
      }
    }
    if (!closing(state)) {
      return nowSeconds; // not remembered: its end comes as an event
    }
    if (current.get(key, 0) != 0) {
      return DUPLICATE;
    }
    long before = previous.get(key, 0);
    long firstSeen = nowSeconds;
    int roleIdx = role.ordinal();
    long counted = 0;
    if (before != 0) {
      roleIdx = roleOf(before);
      counted = before & (COUNTED | ENDED);
      if (stateOf(before) == state.code()) {
        firstSeen = firstSeenOf(before);
      }
    }
    if (state.isPeerCloseState() && counted == 0) {
      counted = COUNTED;
      if (!baseline) {
        closes[CloseInitiator.PEER.ordinal()][roleIdx]++;
        if (!row.remoteUnspecified()) {
          destinations.close(Destination.of(row.family, row.remoteHi, row.remoteLo, row.localPort,
              row.remotePort, SocketRole.of(roleIdx)), CloseInitiator.PEER, 1);
        }
      }
    }
    current.put(key, pack(state.code(), roleIdx, firstSeen) | counted);
    return firstSeen;
  }

  private static boolean closing(TcpState s) {
    return s.isPeerCloseState() || (s.isLocalCloseState() && s != TcpState.TIME_WAIT);
  }

  /** The dump-only form of {@link #observe(SocketRow, TcpState, SocketRole)}, by identity. */
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

  /** {@link #end(IntFunction)} for the dump-only mode. */
  void end() {
    end(port -> SocketRole.OTHER);
  }

  /**
   * Ends a dump. A socket absent from one dump is kept one more dump before it counts as gone:
   * both sources walk a hash table that changes under them, and a walk resumed between two reads
   * (procfs {@code seq_file}, a multi-part netlink reply) can skip a socket.
   *
   * <p>With events, settles the events drained at {@link #begin}; {@code roleOf} gives the role
   * of a local port as the dump just saw the listeners.
   */
  void end(IntFunction<SocketRole> roleOf) {
    previous.forEach(
        (key, value) -> {
          if (current.get(key, 0) != 0) {
            return;
          }
          boolean established = stateOf(value) == TcpState.ESTABLISHED.code();
          long ended = 0;
          if (ring != null && (value & (COUNTED | ENDED)) == COUNTED) {
            // A peer close counted when seen in CLOSE_WAIT/LAST_ACK is gone: it ended, and the
            // MIBs count it ended. Accounted now, so that if its event was lost, the interval's
            // lost ends do not count it a second time (and its event, if it comes, not again).
            countedGone[roleOf(value)]++;
            ended = ENDED;
          }
          if ((value & MISSED) == 0) {
            current.put(key, value | MISSED | ended); // missing once: maybe skipped, keep it
            if (established) {
              dumpPending[roleOf(value)]++;
            }
          } else if (established) {
            dumpPending[roleOf(value)]--;
            if (!baseline) {
              dumpVanished[roleOf(value)]++; // ended without TIME_WAIT: peer or reset
            }
          }
        });
    for (int r = 0; r < ROLES; r++) {
      closes[CloseInitiator.LOCAL.ordinal()][r] += dumpLocal[r];
      closes[CloseInitiator.PEER.ordinal()][r] += dumpPeer[r] + dumpVanished[r];
    }
    if (ring != null) {
      settleEvents(roleOf);
    }
    LongLongMap t = previous;
    previous = current;
    current = t;
    current.clear();
    baseline = false;
  }

  private long recentLocal(Destination d) {
    long h = d.hash();
    long n = 0;
    for (LongLongMap m : localByDestination) {
      n += m.get(h, 0);
    }
    return n;
  }

  private void local(int role, Destination d) {
    long h = d.hash();
    LongLongMap now = localByDestination[0];
    long n = now.get(h, 0);
    if (n != 0 || now.size() < RECENT_DESTINATIONS) {
      now.put(h, n + 1);
    }
    matchedLocal[role]++;
    closes[CloseInitiator.LOCAL.ordinal()][role]++;
    destinations.close(d, CloseInitiator.LOCAL, 1);
  }

  private void settleEvents(IntFunction<SocketRole> roleOf) {
    CloseEventRing q = ring;
    for (int j = 0; j < deferred.size(); j++) {
      Deferred e = deferred.get(j);
      if (deferredMatched.get(j)) {
        local(e.role(), e.destination());
      } else if (e.acked() >= 0) {
        noTwin.add(e); // peer, unless the kernel counted TIME_WAIT entries no twin accounts for
      } else {
        pool.computeIfAbsent(new PoolKey(e.role(), e.destination()), k -> new long[1])[0]++; // kernel < 4.19
      }
    }
    deferred.clear();
    for (int i = 0; i < pending; i++) {
      if (baseline) {
        break; // ended before the first dump: part of the baseline, like its sockets
      }
      long remembered = current.get(q.tupleHash(i), 0);
      int role = remembered != 0 ? roleOf(remembered) : roleOf.apply(q.localPort(i)).ordinal();
      if (q.remoteUnspecified(i)) {
        continue; // never connected (a socket made and closed, a listener): no connection ended
      }
      if (q.remotePort(i) == 0) {
        // No 4-tuple: an abort (SO_LINGER 0 disconnects before the end) or a failed connect. An
        // accepted connection never failed to connect: a server one is an abort, a reset.
        if (role == SERVER) {
          closes[CloseInitiator.RESET.ordinal()][role]++;
          received[role]++;
        } else {
          tupleless[role]++;
        }
        continue;
      }
      if (!q.receivedAny(i) && role != SERVER) {
        continue; // never got a segment back: a connect that failed (AttemptFails), not an end
      }
      if ((remembered & ENDED) == 0) {
        received[role]++; // else counted ended already when the dumps lost it (end())
      }
      Destination d = Destination.of(q.family(i), q.remoteHi(i), q.remoteLo(i), q.localPort(i),
          q.remotePort(i), SocketRole.of(role));
      destinations.tcpInfo(d, q.rttMicros(i), q.retransmits(i));
      boolean local = matched.get(i)
          || remembered != 0 && TcpState.ofCode(stateOf(remembered)).isLocalCloseState();
      int acked = q.ackedBeyondData(i);
      if (local) {
        local(role, d);
        localOfThisDump++;
      } else if ((remembered & COUNTED) != 0) {
        current.put(q.tupleHash(i), remembered | ENDED);
        continue; // counted as a peer close when a dump saw it in CLOSE_WAIT/LAST_ACK
      } else if (acked >= 0 && acked < (role == SERVER ? 1 : 2)) {
        // Our FIN never acknowledged: a reset (a local close enters TIME_WAIT only once it is).
        closes[CloseInitiator.RESET.ordinal()][role]++;
        destinations.close(d, CloseInitiator.RESET, 1);
        resetsSeen++;
      } else {
        // Both FINs went through but no TIME_WAIT twin was in this dump. A dump's walk can skip
        // a socket (a multi-part reply resumes by bucket and offset while sockets come and go):
        // look for the twin in the next dump too before calling it a peer close.
        deferredNext.add(new Deferred(q.tupleHash(i), role, d, acked));
      }
    }
    q.release(pending);
    pending = 0;
    List<Deferred> t = deferred;
    deferred = deferredNext;
    deferredNext = t;
  }

  /**
   * Settles an interval with events from the MIB deltas since the last dump.
   *
   * @param opened connections that reached ESTABLISHED, per role (ActiveOpens − AttemptFails,
   *     PassiveOpens)
   * @param openDelta change of the open connections (any state from SYN_SENT to LAST_ACK but
   *     TIME_WAIT) between the two dumps, per role
   * @param timeWaitEntered TcpExt TW (plus TCPTimeWaitOverflow) delta: every local close
   * @param estabResets Tcp EstabResets delta
   * @param attemptFails Tcp AttemptFails delta (failed connects also end without a 4-tuple)
   * @param lossy events were lost in the interval
   */
  void reconcileEvents(long[] opened, long[] openDelta, long timeWaitEntered, long estabResets,
      long attemptFails, boolean lossy) {
    // The kernel's count, less the resets already told apart per connection (pre-4.19 pool only).
    long resets = Math.max(0, Math.max(0, estabResets) + resetCarry - resetsSeen);
    resetsSeen = 0;
    // Client ends without a 4-tuple are failed connects (AttemptFails) or aborts. Compared since
    // the start, not per interval: the MIBs are read a moment before the events are drained.
    long newTupleless = tupleless[CLIENT] + tupleless[OTHER];
    tuplelessTotal += newTupleless;
    attemptFailsTotal += Math.max(0, attemptFails);
    long aborts = Math.max(0, tuplelessTotal - attemptFailsTotal) - abortsCounted;
    if (aborts > 0) {
      long[] split = newTupleless == 0 ? new long[] {aborts, 0, 0}
          : Apportion.split(aborts, new long[] {tupleless[CLIENT], 0, tupleless[OTHER]});
      if (newTupleless != 0 && split[CLIENT] + split[OTHER] < aborts) {
        split[CLIENT] += aborts - split[CLIENT] - split[OTHER]; // aborts of earlier intervals
      }
      for (int r = 0; r < ROLES; r++) {
        closes[CloseInitiator.RESET.ordinal()][r] += split[r];
        received[r] += split[r];
      }
      abortsCounted += aborts;
    }
    settlePool(resets);
    boolean opening = lossy && lossWindow == 0;
    if (lossy) {
      lossWindow = LOSS_WINDOW;
    }
    boolean settling = lossWindow > 0 && opened != null;
    // Lost events of local closes would read as twins missed: no such check across a loss.
    settleNoTwin(timeWaitEntered, lossWindow > 0);
    for (int r = 0; r < ROLES; r++) {
      endedBefore[r] = endedTotal[r];
      if (opened != null) {
        endedTotal[r] += opened[r] - openDelta[r];
      }
      accountedTotal[r] += received[r] + countedGone[r];
    }
    Arrays.fill(countedGone, 0);
    // TIME_WAIT sockets that entered TIME_WAIT since the last dump and that no event claimed: the
    // local closes among lost events. An interval's ends are settled one interval later (below), so
    // what the last interval left unclaimed is kept one interval more.
    long[] ownUnclaimed = new long[ROLES];
    for (int r = 0; r < ROLES; r++) {
      ownUnclaimed[r] = youngTimeWait[r] - matchedLocal[r];
      youngUnclaimed[r] += ownUnclaimed[r];
    }
    resetBalance += Math.max(0, estabResets);
    for (int r = 0; r < ROLES; r++) {
      if (opening) {
        youngInWindow[r] = youngLast[r]; // a loss is noticed up to an interval late
      }
      if (lossWindow > 0) {
        youngInWindow[r] += youngTimeWait[r];
      }
      youngLast[r] = youngTimeWait[r];
    }
    if (settling) {
      settleLost();
    }
    for (int r = 0; r < ROLES; r++) {
      youngUnclaimed[r] = Math.max(0, Math.min(youngUnclaimed[r], ownUnclaimed[r] + unclaimedBefore[r]));
      unclaimedBefore[r] = Math.max(0, ownUnclaimed[r]);
    }
    if (lossWindow > 0 && --lossWindow == 0) {
      // Start over after a loss: what it left uncertain must not bend later intervals.
      timeWaitEnteredTotal = sum(closes[CloseInitiator.LOCAL.ordinal()]);
      resetBalance = sum(closes[CloseInitiator.RESET.ordinal()]);
      Arrays.fill(youngInWindow, 0);
    }
    LongLongMap oldest = localByDestination[2];
    localByDestination[2] = localByDestination[1];
    localByDestination[1] = localByDestination[0];
    localByDestination[0] = oldest;
    oldest.clear();
    Arrays.fill(received, 0);
    Arrays.fill(tupleless, 0);
    destinations.endInterval(nowSeconds);
  }

  /**
   * Settles the ends the MIBs show and no event told, by what the counters prove
   * ({@link LostEnds}).
   *
   * <p>Compared since the start, per role: the ends the kernel counted up to the last interval
   * against the events received up to this one. An end counted now may have its event still on
   * the way (the MIBs are read before the dump, whose walk lasts, and the kernel broadcasts an end
   * when it frees the socket): settled now, it would be counted again when its event comes. So
   * an interval's ends are settled one interval later, and never more than both of the last two
   * counts show (a walk that skipped sockets makes one count too high, the next corrects it).
   * What is settled stays settled: a later event of a settled end is counted too, which these
   * two rules make rare (docs/sockets.md, "Lost events"). The price: while connections keep
   * ending fast, the events of the last interval's ends make the estimate low, and the lost ends
   * are settled once the churn slows, within the window.
   */
  private void settleLost() {
    long[] missing = new long[ROLES];
    for (int r = 0; r < ROLES; r++) {
      missing[r] = Math.max(0, Math.min(endedBefore[r], endedTotal[r]) - accountedTotal[r]);
    }
    long timeWaitUncounted = timeWaitEnteredTotal - sum(closes[CloseInitiator.LOCAL.ordinal()]);
    long resetsUncounted = resetBalance - sum(closes[CloseInitiator.RESET.ordinal()]);
    LostEnds.Split split = LostEnds.split(missing, youngUnclaimed, youngInWindow, timeWaitUncounted,
        resetsUncounted);
    for (int r = 0; r < ROLES; r++) {
      closes[CloseInitiator.LOCAL.ordinal()][r] += split.local()[r];
      closes[CloseInitiator.PEER.ordinal()][r] += split.peer()[r];
      closes[CloseInitiator.RESET.ordinal()][r] += split.reset()[r];
      closes[CloseInitiator.UNKNOWN.ordinal()][r] += split.unknown()[r];
      youngUnclaimed[r] -= split.local()[r];
      accountedTotal[r] += missing[r];
      lost += missing[r];
    }
  }

  /** Settles an interval with events when the MIBs could not be read: no resets known. */
  void settleWithoutCounters() {
    if (ring != null) {
      reconcileEvents(null, null, -1, 0, tupleless[CLIENT] + tupleless[OTHER], false);
    }
  }

  /**
   * Graceful ends whose TIME_WAIT twin two dumps did not show: closed by the peer, except as many
   * as the kernel counted TIME_WAIT entries beyond the local closes counted. Those are local closes
   * whose twin is gone (a reset from the peer's listener killed it ~0.15 ms after it was made:
   * docs/sockets.md, "Limits") or that found the TIME_WAIT table full. {@code timeWaitEntered} -1:
   * counters unknown; {@code acrossLoss}: events were lost lately, so no check (the entries still
   * count, for the lost ends).
   *
   * <p>Like is compared with like: the entries counted up to the last dump's read against the
   * local closes of the events taken up to the last dump. The ring is taken before the counters
   * are read, so each of those closes is in the count; the ends settled here are events of the
   * last dump, and the local closes of this dump's events are left out (they would hide the gone
   * twins until the pod stopped closing connections, and then the count would fall on whatever
   * ended next).
   */
  private void settleNoTwin(long timeWaitEntered, boolean acrossLoss) {
    long deficit = timeWaitEnteredTotal - (sum(closes[CloseInitiator.LOCAL.ordinal()]) - localOfThisDump);
    timeWaitEnteredTotal += Math.max(0, timeWaitEntered);
    if (timeWaitEntered < 0 || acrossLoss) {
      deficit = 0;
    }
    // Which ends those are is not known. They are taken from destinations with local closes in the
    // last three intervals, most first: a client closes its connections to one service the same
    // way every time. A local close whose event the kernel broadcast a moment after the count was
    // read is counted now and settled next time: a deficit above the ends that qualify is that,
    // most likely, and waits. Only a deficit still unplaced after two more settles goes to ends of
    // other destinations (a gone twin that was its destination's only local close): the totals
    // stay exact, the destination may not be.
    long stale = Math.max(0, Math.min(deficit, Math.min(deficitLeft, deficitLeftBefore)));
    List<Ranked> order = new ArrayList<>(noTwin.size());
    for (Deferred e : noTwin) {
      order.add(new Ranked(e, deficit > 0 ? recentLocal(e.destination()) : 0)); // ranked once
    }
    if (deficit > 0) {
      order.sort(java.util.Comparator.comparingLong((Ranked r) -> -r.recentLocal()));
    }
    for (Ranked r : order) {
      boolean local = deficit > 0 && (r.recentLocal() > 0 || stale > 0);
      if (local) {
        deficit--;
        if (r.recentLocal() == 0) {
          stale--;
        }
      }
      CloseInitiator how = local ? CloseInitiator.LOCAL : CloseInitiator.PEER;
      closes[how.ordinal()][r.end().role()]++;
      destinations.close(r.end().destination(), how, 1);
    }
    noTwin.clear();
    deficitLeftBefore = deficitLeft;
    deficitLeft = Math.max(0, deficit);
  }

  // Resets come first from the pool; what they cannot cover is carried one interval (an RST the
  // MIBs counted whose socket the application had not closed yet, so its event comes later).
  private void settlePool(long resets) {
    List<Map.Entry<PoolKey, long[]>> parts = new ArrayList<>(pool.entrySet());
    long[] weights = new long[parts.size()];
    for (int i = 0; i < weights.length; i++) {
      weights[i] = parts.get(i).getValue()[0];
    }
    long take = Math.min(resets, sum(weights));
    long[] asReset = Apportion.split(take, weights);
    resetCarry = resets - take > 0 && resetCarry == 0 ? resets - take : 0;
    for (int i = 0; i < weights.length; i++) {
      PoolKey k = parts.get(i).getKey();
      closes[CloseInitiator.RESET.ordinal()][k.role()] += asReset[i];
      closes[CloseInitiator.PEER.ordinal()][k.role()] += weights[i] - asReset[i];
      destinations.close(k.destination(), CloseInitiator.RESET, asReset[i]);
      destinations.close(k.destination(), CloseInitiator.PEER, weights[i] - asReset[i]);
    }
    pool.clear();
  }

  /**
   * Settles what no dump saw (the mode without events), from the MIB deltas since the last dump.
   *
   * <p>Local closes: every local close enters TIME_WAIT once (TcpExt {@code TW} counts entries,
   * measured on Linux 6.18: five TIME_WAIT sockets made, TW += 5), or fails to for lack of room
   * ({@code TCPTimeWaitOverflow}). Entries the tracker did not see (a TIME_WAIT killed by an RST
   * before any dump, RFC 1337) are local closes all the same; their role is taken from the role
   * whose open/close balance shows unseen closes, else {@code other}.
   *
   * <p>The other unseen ends ({@code opened − Δestablished − seen}, per role) and the ESTABLISHED
   * sockets that vanished ended without TIME_WAIT: {@code estabResets} of them are resets (split
   * over the roles in proportion), the rest peer closes. Never below zero.
   *
   * @param opened connections that reached ESTABLISHED since the last dump, per role
   * @param establishedDelta change of the ESTABLISHED count since the last dump, per role
   * @param timeWaitEntered TIME_WAIT entries (plus overflows) since the last dump
   * @param estabResets Tcp EstabResets delta
   */
  void reconcile(long[] opened, long[] establishedDelta, long timeWaitEntered, long estabResets) {
    long seenLocal = sum(dumpLocal);
    long unseenLocal = timeWaitEntered - seenLocal + carryLocal;
    carryLocal = Math.min(0, unseenLocal);
    unseenLocal = Math.max(0, unseenLocal);
    long[] unseen = new long[ROLES];
    for (int r = 0; r < ROLES; r++) {
      long left = opened[r] - establishedDelta[r];
      // The MIBs and the dump are not read at the same instant: a connection opened in between
      // shows in one and not the other, and the difference comes back, reversed, next time. A
      // deficit is carried one interval so that such noise cancels instead of becoming a close.
      unseen[r] = left - dumpLocal[r] - dumpPeer[r] - dumpVanished[r] - dumpPending[r] + carry[r];
      carry[r] = Math.min(0, unseen[r]);
      unseen[r] = Math.max(0, unseen[r]);
    }
    for (SocketRole role : ROLE_ORDER) {
      int r = role.ordinal();
      long take = Math.min(unseenLocal, unseen[r]);
      closes[CloseInitiator.LOCAL.ordinal()][r] += take;
      unseen[r] -= take;
      unseenLocal -= take;
    }
    closes[CloseInitiator.LOCAL.ordinal()][SocketRole.OTHER.ordinal()] += unseenLocal;
    // Ended without TIME_WAIT: the unseen ones, and the vanished ones end() counted as peer.
    long[] withoutTimeWait = new long[ROLES];
    for (int r = 0; r < ROLES; r++) {
      withoutTimeWait[r] = unseen[r] + dumpVanished[r];
    }
    long[] asReset = Apportion.split(Math.max(0, estabResets), withoutTimeWait);
    for (int r = 0; r < ROLES; r++) {
      closes[CloseInitiator.RESET.ordinal()][r] += asReset[r];
      closes[CloseInitiator.PEER.ordinal()][r] += unseen[r] - asReset[r];
    }
  }

  boolean isBaseline() {
    return baseline;
  }

  /** Cumulative closes for an initiator and role since the agent started. */
  public long closes(CloseInitiator initiator, SocketRole role) {
    return closes[initiator.ordinal()][role.ordinal()];
  }

  /** Events the MIBs show were lost (the ends counted as {@code unknown}). */
  long lostEvents() {
    return lost;
  }

  /** Sockets remembered between dumps (for the memory figures). */
  int remembered() {
    return previous.size();
  }

  private static long sum(long[] a) {
    long n = 0;
    for (long v : a) {
      n += v;
    }
    return n;
  }

  /** What {@link #observe} returns for a socket this dump already delivered. */
  static final long DUPLICATE = -1;

  /** Bit 6 of a packed value: the socket was absent from the last dump. */
  private static final long MISSED = 1L << 6;
  /** Bit 7: counted as a peer close when seen in CLOSE_WAIT/LAST_ACK (events mode). */
  private static final long COUNTED = 1L << 7;
  /** Bit 62: a counted peer close whose end was accounted (events mode); firstSeen stays below. */
  private static final long ENDED = 1L << 62;

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
    return (v & ~ENDED) >>> 8;
  }
}
