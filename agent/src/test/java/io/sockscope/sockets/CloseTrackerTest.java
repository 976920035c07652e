package io.sockscope.sockets;

import static io.sockscope.sockets.CloseInitiator.LOCAL;
import static io.sockscope.sockets.CloseInitiator.PEER;
import static io.sockscope.sockets.CloseInitiator.UNKNOWN;
import static io.sockscope.sockets.SocketRole.CLIENT;
import static io.sockscope.sockets.SocketRole.SERVER;
import static io.sockscope.sockets.TcpState.CLOSE_WAIT;
import static io.sockscope.sockets.TcpState.ESTABLISHED;
import static io.sockscope.sockets.TcpState.FIN_WAIT2;
import static io.sockscope.sockets.TcpState.LAST_ACK;
import static io.sockscope.sockets.TcpState.TIME_WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CloseTrackerTest {
  private final CloseTracker t = new CloseTracker();

  private void dump(long now, Object... idStateRole) {
    t.begin(now);
    for (int i = 0; i < idStateRole.length; i += 3) {
      t.observe((Long) idStateRole[i], (TcpState) idStateRole[i + 1], (SocketRole) idStateRole[i + 2]);
    }
    t.end();
  }

  @Test
  void socketsOfTheFirstDumpAreABaseline() {
    dump(0, 1L, TIME_WAIT, CLIENT, 2L, CLOSE_WAIT, SERVER);
    dump(10, 1L, TIME_WAIT, CLIENT, 2L, CLOSE_WAIT, SERVER);
    assertThat(t.closes(LOCAL, CLIENT)).isZero();
    assertThat(t.closes(PEER, SERVER)).isZero();
  }

  @Test
  void newTimeWaitIsALocalCloseCountedOnce() {
    dump(0);
    dump(10, 5L, FIN_WAIT2, CLIENT, 6L, TIME_WAIT, CLIENT);
    dump(20, 5L, TIME_WAIT, CLIENT, 6L, TIME_WAIT, CLIENT);
    dump(30);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(2);
    assertThat(t.closes(PEER, CLIENT)).isZero();
  }

  @Test
  void establishedMovingToCloseWaitIsAPeerClose() {
    dump(0);
    dump(10, 7L, ESTABLISHED, SERVER);
    dump(20, 7L, CLOSE_WAIT, SERVER);
    dump(30, 7L, LAST_ACK, SERVER);
    dump(40);
    assertThat(t.closes(PEER, SERVER)).isEqualTo(1);
    assertThat(t.closes(LOCAL, SERVER)).isZero();
  }

  @Test
  void vanishedEstablishedIsAPeerCloseButVanishedTimeWaitIsNot() {
    dump(0);
    dump(10, 8L, ESTABLISHED, CLIENT, 9L, TIME_WAIT, CLIENT);
    dump(20);
    assertThat(t.closes(PEER, CLIENT)).as("absent once: maybe skipped by the walk").isZero();
    dump(30);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
  }

  @Test
  void aVanishedEstablishedSocketIsNotAlsoUnknown() {
    dump(0);
    dump(10, 8L, ESTABLISHED, CLIENT);
    t.reconcile(new long[] {1, 0, 0}, new long[] {1, 0, 0}, 0, 0);
    dump(20); // gone: the MIBs see it leave ESTABLISHED now, the tracker decides next dump
    t.reconcile(new long[] {0, 0, 0}, new long[] {-1, 0, 0}, 0, 0);
    dump(30);
    t.reconcile(new long[] {0, 0, 0}, new long[] {0, 0, 0}, 0, 0);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
  }

  @Test
  void aTimeWaitKilledBeforeAnyDumpIsStillALocalClose() {
    dump(0);
    dump(10, 1L, TIME_WAIT, CLIENT);
    // 4 client connections opened and closed; the kernel says 3 entered TIME_WAIT, 1 was seen:
    // 2 local closes were missed (their TIME_WAIT was cut short); no reset: the other one is peer.
    t.reconcile(new long[] {4, 0, 0}, new long[] {0, 0, 0}, 3, 0);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(3);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(1);
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
  }

  @Test
  void aSocketDeliveredTwiceInOneDumpCountsOnce() {
    dump(0);
    t.begin(10);
    t.observe(5L, TIME_WAIT, CLIENT);
    assertThat(t.observe(5L, TIME_WAIT, CLIENT)).isEqualTo(CloseTracker.DUPLICATE);
    t.end();
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
  }

  @Test
  void aSocketSkippedByOneDumpIsNotCountedTwice() {
    dump(0);
    dump(10, 8L, TIME_WAIT, CLIENT, 9L, ESTABLISHED, SERVER);
    dump(20); // the walk skipped both
    dump(30, 8L, TIME_WAIT, CLIENT, 9L, ESTABLISHED, SERVER);
    dump(40, 8L, TIME_WAIT, CLIENT, 9L, ESTABLISHED, SERVER);
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
    assertThat(t.closes(PEER, SERVER)).isZero();
  }

  @Test
  void theRoleIsTheOneFirstSeen() {
    dump(0);
    dump(10, 3L, ESTABLISHED, CLIENT);
    dump(20, 3L, TIME_WAIT, SERVER); // a listener appeared on the port meanwhile
    assertThat(t.closes(LOCAL, CLIENT)).isEqualTo(1);
    assertThat(t.closes(LOCAL, SERVER)).isZero();
  }

  @Test
  void closeWaitAgeCountsFromTheFirstSighting() {
    dump(100);
    t.begin(110);
    assertThat(t.observe(4L, CLOSE_WAIT, SERVER)).isEqualTo(110);
    t.end();
    t.begin(125);
    assertThat(t.observe(4L, CLOSE_WAIT, SERVER)).isEqualTo(110);
    t.end();
  }

  @Test
  void unseenClosesWithoutResetsArePeerClosesAndNoiseCancels() {
    dump(0);
    dump(10, 1L, TIME_WAIT, CLIENT);
    // 5 client connections opened and the ESTABLISHED count unchanged: 5 left ESTABLISHED, 1 seen
    // locally closed, no TIME_WAIT entry unseen, no reset: the other 4 closed by the peer.
    t.reconcile(new long[] {5, 0, 0}, new long[] {0, 0, 0}, 1, 0);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(4);
    dump(20);
    // one connection opened before the MIB read shows up in the dump only: -1 now, +1 next time
    t.reconcile(new long[] {0, 0, 0}, new long[] {1, 0, 0}, 0, 0);
    dump(30);
    t.reconcile(new long[] {1, 0, 0}, new long[] {0, 0, 0}, 0, 0);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(4);
    assertThat(t.closes(UNKNOWN, CLIENT)).isZero();
  }

  @Test
  void resetsAreTakenFromTheEndsWithoutTimeWaitInProportion() {
    dump(0);
    dump(10);
    // 6 client and 3 server ends no dump saw, no TIME_WAIT entry; the kernel counted 6 resets:
    // split 6:3 over client:server (4 and 2), the rest closed by the peer.
    t.reconcile(new long[] {6, 3, 0}, new long[] {0, 0, 0}, 0, 6);
    assertThat(t.closes(CloseInitiator.RESET, CLIENT)).isEqualTo(4);
    assertThat(t.closes(CloseInitiator.RESET, SERVER)).isEqualTo(2);
    assertThat(t.closes(PEER, CLIENT)).isEqualTo(2);
    assertThat(t.closes(PEER, SERVER)).isEqualTo(1);
    assertThat(t.closes(UNKNOWN, CLIENT) + t.closes(UNKNOWN, SERVER)).isZero();
  }

}
