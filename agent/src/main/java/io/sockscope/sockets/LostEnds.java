package io.sockscope.sockets;

/**
 * Connection ends the kernel counted but whose destroy events were lost (ENOBUFS, ring full), split
 * by what the counters prove (docs/sockets.md, "Lost events"). Every local close enters TIME_WAIT
 * once (TcpExt {@code TW}); every reset is one Tcp {@code EstabResets}; a graceful end that is
 * neither was closed by the peer first. So, per role:
 *
 * <ol>
 *   <li>{@code local}: TIME_WAIT sockets the dumps saw enter TIME_WAIT (dated by their time left)
 *       that no event claimed, in their own role;
 *   <li>the kernel's TIME_WAIT entries not yet counted are local closes of the roles that make
 *       TIME_WAITs (young ones seen), its resets not yet counted resets: in the one such role
 *       with ends left, that role's (no more local closes than it made young TIME_WAITs); in
 *       several, their role is unknowable and that many are {@code unknown} (split over the
 *       roles in proportion);
 *   <li>{@code peer}: what is left. Exact when the counters leave nothing over, the usual case
 *       when no TIME_WAIT was killed early and no reset was lost.
 * </ol>
 */
final class LostEnds {
  private LostEnds() {}

  /** Per role (indexed by {@link SocketRole#ordinal()}): how the lost ends are counted. */
  record Split(long[] local, long[] peer, long[] reset, long[] unknown) {}

  /**
   * @param missing ends per role the MIBs show and no event told
   * @param youngTimeWait TIME_WAIT sockets per role that entered TIME_WAIT since the loss began
   *     and no event claimed
   * @param timeWaitSeen TIME_WAIT sockets per role seen entering TIME_WAIT since the loss began,
   *     claimed or not: which roles make TIME_WAITs, and how many
   * @param timeWaitUncounted TIME_WAIT entries (all roles) beyond the local closes counted
   * @param resetsUncounted EstabResets (all roles) beyond the resets counted
   */
  static Split split(long[] missing, long[] youngTimeWait, long[] timeWaitSeen, long timeWaitUncounted,
      long resetsUncounted) {
    int roles = missing.length;
    long[] local = new long[roles];
    long[] peer = new long[roles];
    long[] reset = new long[roles];
    long[] unknown = new long[roles];
    long[] left = new long[roles];
    long seenLocal = 0;
    for (int r = 0; r < roles; r++) {
      long m = Math.max(0, missing[r]);
      local[r] = Math.min(m, Math.max(0, youngTimeWait[r]));
      seenLocal += local[r];
      left[r] = m - local[r];
    }
    // TIME_WAIT entries beyond the young sockets: only roles that make TIME_WAITs at all (young
    // ones seen) can own them. Beyond that they are the counters' timing (the MIBs are read a
    // moment before the dump), not ends: the running comparison settles them later.
    long localLeft = Math.max(0, timeWaitUncounted - seenLocal);
    long[] localRoles = new long[roles];
    int localRoleCount = 0;
    int onlyLocalRole = -1;
    for (int r = 0; r < roles; r++) {
      if (left[r] > 0 && timeWaitSeen[r] > 0) {
        localRoles[r] = left[r];
        localRoleCount++;
        onlyLocalRole = r;
      }
    }
    long ambiguous = 0;
    if (localRoleCount == 1) {
      // Never more than the role's own TIME_WAITs seen entering: the entries no dump dated (a
      // twin killed early, a lost end beyond the dated ones) are a small part of a role's
      // TIME_WAITs, and a role that made a handful (an HTTP server closing idle keep-alives) does
      // not own the thousands another role's flood left uncounted.
      long l = Math.min(Math.min(localLeft, left[onlyLocalRole]), timeWaitSeen[onlyLocalRole]);
      local[onlyLocalRole] += l;
      left[onlyLocalRole] -= l;
    } else if (localRoleCount > 1) {
      ambiguous += Math.min(localLeft, sum(localRoles));
    }
    long resets = Math.max(0, resetsUncounted);
    int rolesLeft = 0;
    int onlyRole = -1;
    for (int r = 0; r < roles; r++) {
      if (left[r] > 0) {
        rolesLeft++;
        onlyRole = r;
      }
    }
    if (rolesLeft == 1) {
      reset[onlyRole] = Math.min(resets, left[onlyRole]);
      left[onlyRole] -= reset[onlyRole];
    } else if (rolesLeft > 1) {
      ambiguous += resets;
    }
    if (ambiguous > 0) {
      long[] share = Apportion.split(Math.min(sum(left), ambiguous), left);
      for (int r = 0; r < roles; r++) {
        unknown[r] = share[r];
        left[r] -= share[r];
      }
    }
    System.arraycopy(left, 0, peer, 0, roles);
    return new Split(local, peer, reset, unknown);
  }

  private static long sum(long[] a) {
    long n = 0;
    for (long v : a) {
      n += v;
    }
    return n;
  }
}
