package io.sockscope.sockets;

import java.util.Locale;

/**
 * The MIB counters exported as {@code sockscope_tcp_kernel_events_total{event}}: the field name in
 * /proc/net/snmp ("Tcp:") or /proc/net/netstat ("TcpExt:") and the label value.
 */
public enum KernelEvent {
  ACTIVE_OPENS(Group.TCP, "ActiveOpens"),
  PASSIVE_OPENS(Group.TCP, "PassiveOpens"),
  ATTEMPT_FAILS(Group.TCP, "AttemptFails"),
  ESTAB_RESETS(Group.TCP, "EstabResets"),
  RETRANS_SEGS(Group.TCP, "RetransSegs"),
  OUT_RSTS(Group.TCP, "OutRsts"),
  // TcpExt "TW" (LINUX_MIB_TIMEWAITED) counts sockets entering TIME_WAIT (checked on 6.18: five
  // local closes, TW += 5 at once). Every local close enters it once: the close tracker's anchor.
  TIME_WAIT_ENTERED(Group.TCP_EXT, "TW"),
  TIME_WAIT_RECYCLED(Group.TCP_EXT, "TWRecycled"),
  TIME_WAIT_KILLED(Group.TCP_EXT, "TWKilled"),
  // The TIME_WAIT bucket table was full (tcp_max_tw_buckets): the socket closed without TIME_WAIT.
  TIME_WAIT_OVERFLOW(Group.TCP_EXT, "TCPTimeWaitOverflow"),
  LISTEN_OVERFLOWS(Group.TCP_EXT, "ListenOverflows"),
  LISTEN_DROPS(Group.TCP_EXT, "ListenDrops"),
  ABORT_ON_CLOSE(Group.TCP_EXT, "TCPAbortOnClose"),
  ABORT_ON_TIMEOUT(Group.TCP_EXT, "TCPAbortOnTimeout"),
  ABORT_ON_LINGER(Group.TCP_EXT, "TCPAbortOnLinger");

  enum Group {
    TCP,
    TCP_EXT
  }

  private final Group group;
  private final String field;

  KernelEvent(Group group, String field) {
    this.group = group;
    this.field = field;
  }

  Group group() {
    return group;
  }

  public String field() {
    return field;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
