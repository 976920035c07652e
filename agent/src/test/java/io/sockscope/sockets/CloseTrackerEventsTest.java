package io.sockscope.sockets;

import static io.sockscope.sockets.CloseInitiator.LOCAL;
import static io.sockscope.sockets.CloseInitiator.PEER;
import static io.sockscope.sockets.CloseInitiator.RESET;
import static io.sockscope.sockets.CloseInitiator.UNKNOWN;
import static io.sockscope.sockets.SocketRole.CLIENT;
import static io.sockscope.sockets.SocketRole.SERVER;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attribution from destroy events: each event is settled by the dump after it (a TIME_WAIT twin
 * is a local close), resets by the final tcp_info, losses from the kernel counters.
 */
class CloseTrackerEventsTest {
  private static final long POD = 0xC6120001L; // 198.18.0.1
  private static final long PEER_IP = 0xC6120002L;
  private static final int LISTEN = 8080;

  private final CloseEventRing ring = new CloseEventRing(64);
  private final DestinationCloses destinations = new DestinationCloses(20);
  private final CloseTracker t = new CloseTracker();
  private final SocketRow row = new SocketRow();
  private long now;

  @BeforeEach
  void baseline() {
    t.useEvents(ring, destinations);
    dump(List.of());
  }

  private SocketRow socket(int localPort, int remotePort, TcpState state) {
    row.clear();
    row.family = SocketRow.AF_INET;
    row.localLo = POD;
    row.remoteLo = PEER_IP;
    row.localPort = localPort;
    row.remotePort = remotePort;
    row.state = state.code();
    return row;
  }

  /** A destroy event; {@code acked}: sequence numbers acknowledged beyond the data (see SocketRow). */
  private void ended(int localPort, int remotePort, int acked) {
    SocketRow r = socket(localPort, remotePort, TcpState.CLOSE);
    r.hasInfo = true;
    r.segsIn = 3;
    r.rttMicros = 250;
    r.totalRetrans = 1;
    r.bytesSent = 10;
    r.bytesRetrans = 0;
    r.bytesAcked = 10 + acked;
    assertThat(ring.offer(r)).isTrue();
  }

  private record Sock(int localPort, int remotePort, TcpState state) {}

  private void dump(List<Sock> sockets) {
    t.begin(now += 10);
    for (Sock s : sockets) {
      SocketRow r = socket(s.localPort(), s.remotePort(), s.state());
      r.expiresMs = s.state() == TcpState.TIME_WAIT ? 60_000 : 0; // entered just now
      t.observe(r, s.state(), s.localPort() == LISTEN ? SERVER : CLIENT);
    }
    t.end(p -> p == LISTEN ? SERVER : CLIENT);
  }

  private void interval(long opened, long openDelta, long resets, boolean lossy) {
    t.reconcileEvents(new long[] {opened, 0, 0}, new long[] {openDelta, 0, 0}, 0, resets, 0, lossy);
  }

  private long perDestination(String port, CloseInitiator i) {
    return destinations.snapshot(PeerNamer.IP).stream().filter(p -> p.port().equals(port))
        .mapToLong(p -> p.closes(i)).sum();
  }

  @Test
  void aTimeWaitTwinMakesALocalClose() {
    ended(40000, 7101, 2);
    dump(List.of(new Sock(40000, 7101, TcpState.TIME_WAIT)));
    interval(1, 0, 0, false);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
    assertThat(t.closes(PEER, CLIENT)).isZero();
    assertThat(perDestination("7101", LOCAL)).isEqualTo(1);
  }

  @Test
  void aGracefulEndWithoutTwinIsAPeerCloseOneDumpLater() {
    ended(40001, 7102, 2);
    dump(List.of());
    interval(1, 0, 0, false);
    assertThat(t.closes(PEER, CLIENT)).as("the twin may have been skipped by the walk: wait a dump").isZero();
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    assertThat(perDestination("7102", PEER)).isEqualTo(1);
  }

  @Test
  void aTwinTheFirstDumpSkippedIsFoundByTheNext() {
    ended(40002, 7101, 2);
    dump(List.of());
    dump(List.of(new Sock(40002, 7101, TcpState.TIME_WAIT)));
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
    assertThat(t.closes(PEER, CLIENT)).isZero();
  }

  @Test
  void anUnacknowledgedFinIsAResetAtOnce() {
    ended(40003, 7104, 1); // client: only its SYN acknowledged
    ended(LISTEN, 51000, 0); // server: nothing beyond its data
    dump(List.of());
    assertThat(t.closes(RESET, CLIENT)).isEqualTo(1);
    assertThat(t.closes(RESET, SERVER)).isEqualTo(1);
    assertThat(perDestination("7104", RESET)).isEqualTo(1);
    assertThat(perDestination(String.valueOf(LISTEN), RESET)).as("a server's destination is its listening port").isEqualTo(1);
  }

  @Test
  void aCloseWaitCountsAsPeerOnceWhenSeenAndNotAgainWhenItEnds() {
    dump(List.of(new Sock(40004, 7103, TcpState.CLOSE_WAIT)));
    dump(List.of(new Sock(40004, 7103, TcpState.CLOSE_WAIT)));
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    ended(40004, 7103, 2);
    dump(List.of());
    dump(List.of());
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    assertThat(perDestination("7103", PEER)).isEqualTo(1);
  }

  @Test
  void aSocketSeenInFinWaitIsLocalEvenWithoutTwin() {
    dump(List.of(new Sock(40005, 7101, TcpState.FIN_WAIT1)));
    ended(40005, 7101, 1); // its FIN never acknowledged (reset by the peer after our FIN)
    dump(List.of());
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
    assertThat(t.closes(RESET, CLIENT)).isZero();
  }

  @Test
  void tuplelessEndsAreAbortsBeyondTheFailedConnects() {
    SocketRow r = socket(40006, 0, TcpState.CLOSE); // SO_LINGER 0 clears the remote port
    r.hasInfo = true;
    ring.offer(r);
    ring.offer(socket(40007, 0, TcpState.CLOSE)); // a refused connect looks the same
    ring.offer(socket(LISTEN, 0, TcpState.CLOSE)); // an accepted connection aborted
    SocketRow never = socket(40008, 0, TcpState.CLOSE);
    never.remoteLo = 0; // made and closed, never connected
    ring.offer(never);
    dump(List.of());
    t.reconcileEvents(new long[] {1, 1, 0}, new long[] {0, 0, 0}, 0, 2, 1, false);
    assertThat(t.closes(RESET, CLIENT)).isEqualTo(1);
    assertThat(t.closes(RESET, SERVER)).isEqualTo(1);
  }

  private static List<Sock> timeWaits(int fromPort, int n) {
    return java.util.stream.IntStream.range(fromPort, fromPort + n)
        .mapToObj(p -> new Sock(p, 7101, TcpState.TIME_WAIT)).toList();
  }

  @Test
  void lostEventsAreSplitByWhatTheCountersProve() {
    ended(40010, 7101, 2);
    // The kernel says 10 client connections ended, 6 of them into TIME_WAIT, no reset; 6
    // TIME_WAITs are new in the dump; 1 event arrived (its twin among them).
    dump(timeWaits(40010, 6));
    t.reconcileEvents(new long[] {10, 0, 0}, new long[] {0, 0, 0}, 6, 0, 0, true);
    assertThat(t.lostEvents()).as("an interval's ends are settled one interval later").isZero();
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(6);
    assertThat(t.closes(PEER, CLIENT)).as("neither TIME_WAIT nor reset: the peer closed").isEqualTo(4);
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
    assertThat(t.lostEvents()).isEqualTo(9);
  }

  @Test
  void lostResetsOfOneRoleAreResetsOfSeveralRolesUnknown() {
    dump(List.of());
    t.reconcileEvents(new long[] {5, 0, 0}, new long[] {0, 0, 0}, 0, 2, 0, true);
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.closes(RESET, CLIENT)).isEqualTo(2);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(3);
    dump(List.of());
    t.reconcileEvents(new long[] {4, 4, 0}, new long[] {0, 0, 0}, 0, 2, 0, true);
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.closes(UNKNOWN, CLIENT) + t.closes(UNKNOWN, SERVER)).as("which role reset is unknowable").isEqualTo(2);
    assertThat(t.closes(PEER, CLIENT) - 3 + t.closes(PEER, SERVER)).isEqualTo(6);
    assertThat(t.closes(RESET, CLIENT)).isEqualTo(2);
  }

  @Test
  void aLossNoticedAnIntervalLateStillFindsItsYoungTimeWaits() {
    // Interval 1: 3 local closes whose events were lost, the loss not noticed yet.
    dump(timeWaits(40040, 3));
    t.reconcileEvents(new long[] {3, 0, 0}, new long[] {0, 0, 0}, 3, 0, 0, false);
    assertThat(t.closes(LOCAL, CLIENT)).isZero();
    // Interval 2: the loss noticed; the TIME_WAITs are old now, but were young in interval 1.
    t.begin(now += 10, 10_000);
    for (Sock s : timeWaits(40040, 3)) {
      SocketRow r = socket(s.localPort(), s.remotePort(), s.state());
      r.expiresMs = 49_000;
      t.observe(r, s.state(), CLIENT);
    }
    t.end(p -> CLIENT);
    t.reconcileEvents(new long[] {0, 0, 0}, new long[] {0, 0, 0}, 0, 0, 0, true);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(3);
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
  }

  private void interval(long opened, long timeWaitEntered) {
    t.reconcileEvents(new long[] {opened, 0, 0}, new long[] {0, 0, 0}, timeWaitEntered, 0, 0, false);
  }

  private static Sock timeWait(int localPort, int remotePort) {
    return new Sock(localPort, remotePort, TcpState.TIME_WAIT);
  }

  @Test
  void aGoneTwinIsLocalWhileItsDestinationKeepsClosingLocally() {
    // A CI run: the local closes of the dump after a gone twin's hid it from the count until
    // the pod stopped closing connections, and then the count fell on the peer closes of 7102.
    ended(40100, 7101, 2);
    ended(40101, 7101, 2);
    ended(40102, 7101, 2); // its twin is gone before any dump
    dump(List.of(timeWait(40100, 7101), timeWait(40101, 7101)));
    interval(3, 3); // the kernel counted three TIME_WAIT entries
    ended(40103, 7101, 2);
    ended(40104, 7101, 2);
    dump(List.of(timeWait(40100, 7101), timeWait(40101, 7101), timeWait(40103, 7101), timeWait(40104, 7101)));
    interval(2, 2);
    ended(40105, 7102, 2); // now the peer closes first
    ended(40106, 7102, 2);
    dump(List.of());
    interval(2, 0);
    dump(List.of());
    interval(0, 0);
    assertThat(perDestination("7101", LOCAL)).isEqualTo(5);
    assertThat(perDestination("7101", PEER)).isZero();
    assertThat(perDestination("7102", PEER)).isEqualTo(2);
    assertThat(t.closes(LOCAL, CLIENT)).as("as many as the kernel's TIME_WAIT entries").isEqualTo(5);
  }

  @Test
  void aLocalCloseCountedBeforeItsEventCameMakesNoPeerCloseLocal() {
    // The kernel counts a TIME_WAIT entry before it broadcasts the socket's end: a count read a
    // moment after the events were taken can hold a close whose event comes with the next dump.
    ended(40110, 7102, 2);
    dump(List.of());
    interval(2, 1); // 7102's peer close and the local close to 7101 whose event is on its way
    ended(40111, 7101, 2);
    dump(List.of(timeWait(40111, 7101)));
    interval(0, 0);
    for (int i = 0; i < 3; i++) {
      dump(List.of(timeWait(40111, 7101)));
      interval(0, 0);
    }
    assertThat(perDestination("7102", PEER)).isEqualTo(1);
    assertThat(perDestination("7101", LOCAL)).isEqualTo(1);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
  }

  @Test
  void aGoneTwinWithoutOtherLocalClosesAtItsDestinationKeepsTheTotalsExact() {
    ended(40020, 7101, 2); // the only close to 7101, and its twin is gone
    ended(40021, 7102, 2);
    dump(List.of());
    interval(2, 1);
    dump(List.of()); // neither twin in two dumps; the kernel counted one TIME_WAIT entry
    interval(0, 0);
    assertThat(t.closes(LOCAL, CLIENT)).as("no destination tells which: wait").isZero();
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(2);
    ended(40022, 7102, 2);
    dump(List.of());
    interval(1, 0);
    dump(List.of());
    interval(0, 0);
    // Unplaced for two more settles: no event on its way, the next end without twin takes it.
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(2);
    ended(40023, 7102, 2);
    dump(List.of());
    interval(1, 0);
    dump(List.of());
    interval(0, 0);
    assertThat(t.closes(LOCAL, CLIENT)).as("once").isEqualTo(1);
  }

  @Test
  void theTimeWaitCountPicksTheEndsOfADestinationWhoseOtherEndsWereLocal() {
    // Interval 1: 7102 ends (peer closes, no twin) come first, then 7101 ends with their twins
    // but one whose twin a reset killed at once; the kernel counted 4 TIME_WAIT entries.
    ended(40050, 7102, 2);
    ended(40051, 7102, 2);
    ended(40052, 7101, 2);
    ended(40053, 7101, 2);
    ended(40054, 7101, 2);
    ended(40055, 7101, 2);
    dump(List.of(new Sock(40052, 7101, TcpState.TIME_WAIT), new Sock(40053, 7101, TcpState.TIME_WAIT),
        new Sock(40054, 7101, TcpState.TIME_WAIT)));
    t.reconcileEvents(new long[] {6, 0, 0}, new long[] {0, 0, 0}, 4, 0, 0, false);
    dump(List.of(new Sock(40052, 7101, TcpState.TIME_WAIT), new Sock(40053, 7101, TcpState.TIME_WAIT),
        new Sock(40054, 7101, TcpState.TIME_WAIT)));
    t.reconcileEvents(new long[] {0, 0, 0}, new long[] {0, 0, 0}, 0, 0, 0, false);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(4);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(2);
    assertThat(perDestination("7101", LOCAL)).as("not the first end without twin, 7102's").isEqualTo(4);
    assertThat(perDestination("7102", PEER)).isEqualTo(2);
  }

  @Test
  void aPeerCloseCountedWhenSeenIsNotCountedAgainWhenItsEventIsLost() {
    dump(List.of(new Sock(40060, 7103, TcpState.CLOSE_WAIT)));
    t.reconcileEvents(new long[] {1, 0, 0}, new long[] {1, 0, 0}, 0, 0, 0, false);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    dump(List.of()); // it ended; its event was lost, the MIBs count it ended
    t.reconcileEvents(new long[] {0, 0, 0}, new long[] {-1, 0, 0}, 0, 0, 0, true);
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
    assertThat(t.lostEvents()).isZero();
  }

  @Test
  void aPeerCloseCountedWhenSeenCountsOnceWhenItsEventComes() {
    dump(List.of(new Sock(40061, 7103, TcpState.CLOSE_WAIT)));
    t.reconcileEvents(new long[] {1, 0, 0}, new long[] {1, 0, 0}, 0, 0, 0, false);
    ended(40061, 7103, 2);
    dump(List.of());
    t.reconcileEvents(new long[] {0, 0, 0}, new long[] {-1, 0, 0}, 0, 0, 0, true);
    dump(List.of());
    t.reconcileEvents(new long[] {1, 0, 0}, new long[] {0, 0, 0}, 0, 0, 0, true);
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.closes(PEER, CLIENT)).as("the sighting, not the event, and the later end is a lost one")
        .isEqualTo(2);
    assertThat(t.lostEvents()).isEqualTo(1);
  }

  @Test
  void anEventThatComesAnIntervalAfterItsEndIsNotCountedTwice() {
    // Lossy interval: the MIBs count 10 ends, 5 events came, 3 are still on their way, 2 are lost.
    for (int i = 0; i < 5; i++) {
      ended(40100 + i, 7102, 2);
    }
    dump(List.of());
    t.reconcileEvents(new long[] {10, 0, 0}, new long[] {0, 0, 0}, 0, 0, 0, true);
    for (int i = 5; i < 8; i++) {
      ended(40100 + i, 7102, 2); // the late ones
    }
    for (int i = 0; i < 3; i++) {
      dump(List.of());
      interval(0, 0, 0, false);
    }
    assertThat(t.closes(PEER, CLIENT)).as("5 + 3 told, 2 lost: each end once").isEqualTo(10);
    assertThat(t.lostEvents()).isEqualTo(2);
    assertThat(perDestination("7102", PEER)).as("lost ends have no destination").isEqualTo(8);
  }

  @Test
  void endsLostEarlyInALongChurnAreSettledOnceItSlows() {
    // Six intervals of 10 ends each, their events taken in the same interval; in the first, 5
    // were lost. While the churn goes on, the events of the last interval's ends hide the loss
    // from an estimate that must not count an end whose event is still on its way.
    int port = 40200;
    for (int interval = 0; interval < 6; interval++) {
      for (int i = 0; i < (interval == 0 ? 5 : 10); i++) {
        ended(port++, 7102, 2);
      }
      dump(List.of());
      t.reconcileEvents(new long[] {10, 0, 0}, new long[] {0, 0, 0}, 0, 0, 0, interval == 0);
    }
    assertThat(t.lostEvents()).as("not while the churn goes on").isZero();
    for (int i = 0; i < 2; i++) {
      dump(List.of());
      interval(0, 0, 0, false);
    }
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(60);
    assertThat(t.lostEvents()).isEqualTo(5);
  }

  @Test
  void aWalkThatSkippedOpenSocketsMakesNoLostEnds() {
    // A lossy interval whose dump skipped 3 open connections (the walk resumed past them): the
    // open count fell by 3 with no end; the next dump sees them again.
    dump(List.of());
    t.reconcileEvents(new long[] {0, 0, 0}, new long[] {-3, 0, 0}, 0, 0, 0, true);
    dump(List.of());
    t.reconcileEvents(new long[] {0, 0, 0}, new long[] {3, 0, 0}, 0, 0, 0, false);
    dump(List.of());
    interval(0, 0, 0, false);
    assertThat(t.lostEvents()).isZero();
    assertThat(t.closes(PEER, CLIENT) + t.closes(LOCAL, CLIENT)).isZero();
  }

  @Test
  void withoutLossNothingIsUnknown() {
    ended(40011, 7101, 2);
    dump(List.of(new Sock(40011, 7101, TcpState.TIME_WAIT)));
    interval(5, 0, 0, false); // the MIBs were read a moment later: 4 more whose events come next
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
  }
}
