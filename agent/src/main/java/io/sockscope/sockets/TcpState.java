package io.sockscope.sockets;

/**
 * TCP states as the kernel numbers them ({@code include/net/tcp_states.h}); the same codes appear
 * in {@code /proc/net/tcp} (hex "st" column) and in {@code inet_diag_msg.idiag_state}.
 */
public enum TcpState {
  ESTABLISHED(1),
  SYN_SENT(2),
  SYN_RECV(3),
  FIN_WAIT1(4),
  FIN_WAIT2(5),
  TIME_WAIT(6),
  CLOSE(7),
  CLOSE_WAIT(8),
  LAST_ACK(9),
  LISTEN(10),
  CLOSING(11),
  // A request socket (half-open connection on a listener) since Linux 4.4; ss shows it as SYN-RECV.
  NEW_SYN_RECV(12);

  private static final TcpState[] BY_CODE = new TcpState[16];

  static {
    for (TcpState s : values()) {
      BY_CODE[s.code] = s;
    }
  }

  private final int code;
  private final String label;

  TcpState(int code) {
    this.code = code;
    this.label = name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Kernel state number. */
  public int code() {
    return code;
  }

  /** Prometheus label value, lower-case snake ({@code time_wait}). */
  public String label() {
    return label;
  }

  /** The state for a kernel code, or {@code null} when the code is unknown. */
  public static TcpState ofCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Bit of this state in an inet_diag state mask ({@code 1 << code}). */
  public int maskBit() {
    return 1 << code;
  }

  /** Mask of every state: what a full dump asks for. */
  public static final int ALL_STATES = 0x1FFE;

  /** True for the states that only the side that sent the first FIN passes through. */
  public boolean isLocalCloseState() {
    return this == FIN_WAIT1 || this == FIN_WAIT2 || this == CLOSING || this == TIME_WAIT;
  }

  /** True for the states that only the side that received the first FIN passes through. */
  public boolean isPeerCloseState() {
    return this == CLOSE_WAIT || this == LAST_ACK;
  }
}
