package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The split of lost ends by the counters: roles are client, server, other. */
class LostEndsTest {
  @Test
  void youngTimeWaitsAreLocalAndTheRestPeerWhenTheCountersLeaveNothingOver() {
    LostEnds.Split s = LostEnds.split(new long[] {100, 80, 0}, new long[] {90, 0, 0}, new long[] {90, 0, 0}, 90, 0);
    assertThat(s.local()).containsExactly(90, 0, 0);
    assertThat(s.peer()).containsExactly(10, 80, 0);
    assertThat(s.reset()).containsExactly(0, 0, 0);
    assertThat(s.unknown()).containsExactly(0, 0, 0);
  }

  @Test
  void timeWaitEntriesNoDumpSawAreLocalInTheOnlyRoleWithEndsLeft() {
    // 5 TIME_WAITs the kernel counted were gone before the dump (killed by a reset); only the
    // client role has ends left, so they are client local closes; resets likewise.
    LostEnds.Split s = LostEnds.split(new long[] {50, 20, 0}, new long[] {20, 20, 0}, new long[] {20, 20, 0}, 45, 3);
    assertThat(s.local()).containsExactly(25, 20, 0);
    assertThat(s.reset()).containsExactly(3, 0, 0);
    assertThat(s.peer()).containsExactly(22, 0, 0);
    assertThat(s.unknown()).containsExactly(0, 0, 0);
  }

  @Test
  void timeWaitEntriesBeyondTheYoungOnesAreNotPinnedOnARoleThatMakesNone() {
    // The flood: every TIME_WAIT is a client's; the client's lost ends are all young TIME_WAITs,
    // only the server (the passive closer) has ends left. The MIBs, read before the dump, show
    // 77 entries more: timing, not server local closes.
    LostEnds.Split s = LostEnds.split(new long[] {500, 600, 0}, new long[] {500, 0, 0}, new long[] {900, 0, 0}, 577, 0);
    assertThat(s.local()).containsExactly(500, 0, 0);
    assertThat(s.peer()).containsExactly(0, 600, 0);
    assertThat(s.unknown()).containsExactly(0, 0, 0);
  }

  @Test
  void aRoleThatMadeAFewTimeWaitsDoesNotOwnAnotherRolesUncountedEntries() {
    // The client's flood: its lost ends are all young TIME_WAITs, 300 entries more are still
    // uncounted (their ends settle next interval). The server closed 2 idle keep-alives itself
    // (2 young TIME_WAITs) and has 600 lost peer closes left: at most 2 of them are local.
    LostEnds.Split s = LostEnds.split(new long[] {500, 600, 0}, new long[] {500, 0, 0}, new long[] {900, 2, 0}, 800, 0);
    assertThat(s.local()).containsExactly(500, 2, 0);
    assertThat(s.peer()).containsExactly(0, 598, 0);
    assertThat(s.unknown()).containsExactly(0, 0, 0);
  }

  @Test
  void whatTheCountersCannotPlaceInARoleIsUnknownInProportion() {
    LostEnds.Split s = LostEnds.split(new long[] {30, 10, 0}, new long[] {0, 0, 0}, new long[] {5, 5, 0}, 4, 4);
    assertThat(s.local()).containsExactly(0, 0, 0);
    assertThat(s.unknown()).containsExactly(6, 2, 0);
    assertThat(s.peer()).containsExactly(24, 8, 0);
  }

  @Test
  void neverMoreThanMissingAndNeverNegative() {
    LostEnds.Split s = LostEnds.split(new long[] {3, -2, 0}, new long[] {10, 5, -1}, new long[] {10, 5, 0}, 100, 100);
    assertThat(s.local()).containsExactly(3, 0, 0);
    assertThat(s.peer()).containsExactly(0, 0, 0);
    assertThat(s.reset()).containsExactly(0, 0, 0);
    assertThat(s.unknown()).containsExactly(0, 0, 0);
    LostEnds.Split many = LostEnds.split(new long[] {5, 5, 0}, new long[] {0, 0, 0}, new long[] {1, 1, 0}, 100, 100);
    assertThat(many.unknown()).containsExactly(5, 5, 0);
    assertThat(many.peer()).containsExactly(0, 0, 0);
  }
}
