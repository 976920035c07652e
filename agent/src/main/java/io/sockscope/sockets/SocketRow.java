package io.sockscope.sockets;

/**
 * One socket as a source reports it. A single instance is reused for every socket of a dump (a
 * flyweight): at 100k sockets a record per socket would be 100k allocations per dump for values
 * that are folded into aggregates at once. Sinks must copy what they keep.
 *
 * <p>Addresses are held as two longs (network byte order, big-endian): IPv4 in {@code addrLo}'s
 * low 32 bits with {@code addrHi == 0}; IPv6 as the full 128 bits.
 */
public final class SocketRow {
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  public int family;
  public int state;
  public long localHi;
  public long localLo;
  public int localPort;
  public long remoteHi;
  public long remoteLo;
  public int remotePort;
  /** Receive queue; for a LISTEN socket, the accept-queue length. */
  public long rxQueue;
  /** Send queue; for a LISTEN socket from netlink, the accept-queue limit (backlog). */
  public long txQueue;
  /** Timer expiry in ms (TIME_WAIT: time left), 0 when no timer runs. */
  public long expiresMs;
  public long inode;
  public int uid;
  /** Socket cookie (netlink), or 0 when the source has none (procfs). */
  public long cookie;
  /** True when the message carried INET_DIAG_INFO (destroy events do; dumps do not ask for it). */
  public boolean hasInfo;
  /** From tcp_info, when {@link #hasInfo}: smoothed RTT in µs, retransmitted segments, bytes, segments. */
  public long rttMicros;
  public long totalRetrans;
  public long bytesAcked;
  public long bytesReceived;
  public long segsOut;
  public long segsIn;
  /** tcpi_bytes_sent and tcpi_bytes_retrans (Linux 4.19+), or -1 when the kernel has neither. */
  public long bytesSent;
  public long bytesRetrans;

  /** Clears every field; sources call it before filling a row. */
  public void clear() {
    family = state = localPort = remotePort = uid = 0;
    localHi = localLo = remoteHi = remoteLo = 0;
    rxQueue = txQueue = expiresMs = inode = cookie = 0;
    hasInfo = false;
    rttMicros = totalRetrans = bytesAcked = bytesReceived = segsOut = segsIn = 0;
    bytesSent = bytesRetrans = -1;
  }

  /** The state as an enum, or {@code null} for a code this agent does not know. */
  public TcpState tcpState() {
    return TcpState.ofCode(state);
  }

  /**
   * A 64-bit identity for this connection across dumps: the cookie when the source has one (the
   * kernel copies it into the TIME_WAIT socket), else a hash of the 4-tuple.
   */
  public long identity() {
    return cookie != 0 ? cookie : tupleHash();
  }

  /**
   * A 64-bit hash of the 4-tuple and family, never 0. Destroy events and dumps are matched on it:
   * unlike the cookie, it is the same whichever source (netlink or procfs) delivered the dump.
   */
  public long tupleHash() {
    long h = 0x9E3779B97F4A7C15L;
    h = mix(h ^ localHi);
    h = mix(h ^ localLo);
    h = mix(h ^ remoteHi);
    h = mix(h ^ remoteLo);
    h = mix(h ^ ((long) localPort << 16 | remotePort) ^ (long) family << 40);
    return h == 0 ? 1 : h;
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Sequence numbers acknowledged beyond the unique data sent ({@code bytes_acked − (bytes_sent −
   * bytes_retrans)}), 0..3, or -1 when tcp_info lacks the fields. {@code tcp_snd_una_update}
   * counts every acknowledged sequence number: the SYN of an active open (not of a passive one,
   * whose child starts past it) and our FIN. Measured on 6.18: a client whose FIN was acked
   * reads 2, a server 1; an end by reset (no FIN of ours acked) one less.
   */
  public int ackedBeyondData() {
    if (!hasInfo || bytesSent < 0 || bytesRetrans < 0) {
      return -1;
    }
    long extra = bytesAcked - (bytesSent - bytesRetrans);
    return (int) Math.max(0, Math.min(3, extra));
  }

  /** True when the remote address is the unspecified address (LISTEN sockets, unconnected). */
  public boolean remoteUnspecified() {
    return remoteHi == 0 && remoteLo == 0;
  }
}
