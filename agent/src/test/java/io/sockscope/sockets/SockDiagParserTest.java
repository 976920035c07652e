package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sock_diag parser on crafted datagrams: values, message kinds, and every broken length. */
class SockDiagParserTest {
  private static final int SEQ = 7;
  private static final int MULTI = SockDiagWire.NLM_F_MULTI;

  /** What a sink saw: copies of the reused row's fields. */
  private record Seen(int family, int state, long localHi, long localLo, int localPort,
      long remoteHi, long remoteLo, int remotePort, long cookie, long expiresMs, long rxQueue,
      long txQueue, int uid, long inode) {
    static Seen of(SocketRow r) {
      return new Seen(r.family, r.state, r.localHi, r.localLo, r.localPort, r.remoteHi, r.remoteLo,
          r.remotePort, r.cookie, r.expiresMs, r.rxQueue, r.txQueue, r.uid, r.inode);
    }
  }

  private final SockDiagParser parser = new SockDiagParser();
  private final List<Seen> seen = new ArrayList<>();

  private boolean parse(MemorySegment datagram) throws NetlinkException {
    return parser.parse(datagram, r -> seen.add(Seen.of(r)));
  }

  @Test
  void parsesAMultiMessageDatagramOfBothFamilies() throws Exception {
    parser.begin(SEQ);
    MemorySegment d = new SockDiagFrames()
        // 5 bytes of attributes (INET_DIAG_SHUTDOWN) leave nlmsg_len unaligned: padding is skipped
        .socket(SEQ, MULTI, TcpState.ESTABLISHED, "10.1.2.3", 40000, "192.168.200.9", 443,
            0x1_0000_0002L, 0, 0, 0, 1000, 123456, 5)
        .socket(SEQ, MULTI, TcpState.TIME_WAIT, "2001:db8::1", 8080, "fe80::dead:beef", 51234,
            0xFFFF_FFFF_8000_0001L, 59_123, 0, 0, 0, 0, 0)
        .socket(SEQ, MULTI, TcpState.LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0,
            42, 0, 3, 128, 65534, 99, 8)
        .datagram();

    assertThat(parse(d)).as("more datagrams follow a multi-part reply without DONE").isFalse();

    assertThat(seen).containsExactly(
        new Seen(SocketRow.AF_INET, 1, 0, 0x0A010203L, 40000, 0, 0xC0A8C809L, 443,
            0x1_0000_0002L, 0, 0, 0, 1000, 123456),
        new Seen(SocketRow.AF_INET6, 6, 0x20010DB800000000L, 1L, 8080, 0xFE80000000000000L,
            0xDEADBEEFL, 51234, 0xFFFF_FFFF_8000_0001L, 59_123, 0, 0, 0, 0),
        new Seen(SocketRow.AF_INET, 10, 0, 0, 8080, 0, 0, 0, 42, 0, 3, 128, 65534, 99));
    assertThat(parser.sockets()).isEqualTo(3);
  }

  @Test
  void doneEndsTheReplyAcrossDatagrams() throws Exception {
    parser.begin(SEQ);
    assertThat(parse(new SockDiagFrames()
        .socket(SEQ, MULTI, TcpState.CLOSE_WAIT, "127.0.0.1", 1, "127.0.0.1", 2,
            1, 0, 0, 0, 0, 0, 0)
        .datagram())).isFalse();
    assertThat(parse(new SockDiagFrames()
        .socket(SEQ, MULTI, TcpState.FIN_WAIT2, "127.0.0.1", 2, "127.0.0.1", 1, 2, 0, 0, 0, 0, 0, 0)
        .done(SEQ, 0)
        .datagram())).isTrue();
    assertThat(seen).extracting(Seen::state).containsExactly(8, 5);
    assertThat(parser.sockets()).isEqualTo(2);

    parser.begin(SEQ + 1);
    assertThat(parse(new SockDiagFrames().done(SEQ + 1, 0).datagram())).isTrue();
    assertThat(parser.sockets()).isZero();
  }

  @Test
  void doneWithANegativeStatusIsTheDumpsError() {
    parser.begin(SEQ);
    assertThatThrownBy(() -> parse(new SockDiagFrames().done(SEQ, -Errno.ENOBUFS).datagram()))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("ENOBUFS (105)")
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(Errno.ENOBUFS);
  }

  @Test
  void errorMessageCarriesTheErrno() {
    parser.begin(SEQ);
    assertThatThrownBy(() -> parse(new SockDiagFrames().error(SEQ, -Errno.ENOENT).datagram()))
        .isInstanceOf(NetlinkException.class)
        .hasMessage("netlink: SOCK_DIAG_BY_FAMILY request failed: ENOENT (2)")
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(Errno.ENOENT);
  }

  @Test
  void anAckEndsTheReply() throws Exception {
    parser.begin(SEQ);
    assertThat(parse(new SockDiagFrames().error(SEQ, 0).datagram())).isTrue();
  }

  @Test
  void truncatedHeader() throws Exception {
    parser.begin(SEQ);
    MemorySegment d = new SockDiagFrames()
        .socket(SEQ, MULTI, TcpState.LISTEN, "127.0.0.1", 1, "0.0.0.0", 0, 1, 0, 0, 5, 0, 0, 0)
        .raw(new byte[10])
        .datagram();
    assertMalformed(d, "truncated nlmsghdr at offset 88: 10 bytes left, need 16");
    assertThat(seen).as("the complete message before the damage was delivered").hasSize(1);
  }

  @Test
  void nlmsgLenBeyondTheDatagram() {
    parser.begin(SEQ);
    MemorySegment d = new SockDiagFrames()
        .header(16 + 72 + 100, SockDiagWire.SOCK_DIAG_BY_FAMILY, MULTI, SEQ)
        .raw(new byte[72])
        .datagram();
    assertMalformed(d,
        "nlmsg_len 188 at offset 0 runs past the end of the datagram (88 bytes left)");
  }

  @Test
  void nlmsgLenSmallerThanTheHeader() {
    parser.begin(SEQ);
    for (int len : new int[] {0, 4, 15}) {
      MemorySegment d =
          new SockDiagFrames().header(len, SockDiagWire.NLMSG_DONE, MULTI, SEQ).datagram();
      assertMalformed(d, "nlmsg_len " + len + " at offset 0 is smaller than the 16-byte header");
    }
  }

  @Test
  void nlmsgLenWithTheTopBitSetIsNotNegative() {
    parser.begin(SEQ);
    MemorySegment d =
        new SockDiagFrames().header(0x8000_0010, SockDiagWire.NLMSG_DONE, MULTI, SEQ).datagram();
    assertMalformed(d, "nlmsg_len 2147483664 at offset 0 runs past the end");
  }

  @Test
  void payloadTooShortForAnInetDiagMsg() {
    parser.begin(SEQ);
    MemorySegment d = new SockDiagFrames()
        .header(16 + 40, SockDiagWire.SOCK_DIAG_BY_FAMILY, MULTI, SEQ).raw(new byte[40]).datagram();
    assertMalformed(d, "truncated inet_diag_msg at offset 0: 40 bytes, need 72");
  }

  @Test
  void truncatedErrorMessage() {
    parser.begin(SEQ);
    assertMalformed(new SockDiagFrames().header(16, SockDiagWire.NLMSG_ERROR, 0, SEQ).datagram(),
        "truncated NLMSG_ERROR at offset 0");
  }

  @Test
  void wrongSequenceNumber() {
    parser.begin(SEQ);
    assertMalformed(new SockDiagFrames().done(SEQ - 1, 0).datagram(),
        "nlmsg_seq 6 at offset 0, expected 7");
  }

  @Test
  void unknownMessageTypeAndFamily() throws Exception {
    parser.begin(SEQ);
    assertMalformed(new SockDiagFrames().header(16, 99, MULTI, SEQ).datagram(),
        "unexpected nlmsg_type 99");
    MemorySegment d = new SockDiagFrames()
        .socket(SEQ, MULTI, TcpState.LISTEN, "127.0.0.1", 1, "0.0.0.0", 0, 1, 0, 0, 5, 0, 0, 0)
        .datagram();
    d.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 16, (byte) 1); // AF_UNIX
    assertMalformed(d, "idiag_family 1 at offset 0 is neither AF_INET nor AF_INET6");
  }

  @Test
  void overrunIsAnError() {
    parser.begin(SEQ);
    assertMalformed(new SockDiagFrames().header(16, SockDiagWire.NLMSG_OVERRUN, 0, SEQ).datagram(),
        "NLMSG_OVERRUN");
  }

  @Test
  void singlePartReplyEndsWithItsDatagram() throws Exception {
    parser.begin(SEQ);
    assertThat(parse(new SockDiagFrames()
        .socket(SEQ, 0, TcpState.ESTABLISHED, "::1", 1, "::1", 2, 1, 0, 0, 0, 0, 0, 0)
        .datagram())).isTrue();
    assertThat(seen).singleElement().satisfies(s -> {
      assertThat(s.localHi()).isZero();
      assertThat(s.localLo()).isEqualTo(1);
    });
  }

  @Test
  void emptyDatagramIsNotTheEnd() throws Exception {
    parser.begin(SEQ);
    assertThat(parse(MemorySegment.ofArray(new byte[0]))).isFalse();
  }

  @Test
  void requestLayout() {
    MemorySegment req = MemorySegment.ofArray(new byte[SockDiagWire.REQUEST_SIZE]);
    SockDiagWire.writeDumpRequest(req, 0x01020304, SocketRow.AF_INET6, TcpState.ALL_STATES);
    var in = req.asByteBuffer().order(java.nio.ByteOrder.nativeOrder());
    assertThat(in.getInt(0)).isEqualTo(72);
    assertThat(in.getShort(4)).isEqualTo((short) 20);
    assertThat(in.getShort(6)).isEqualTo((short) 0x301);
    assertThat(in.getInt(8)).isEqualTo(0x01020304);
    assertThat(in.get(16)).isEqualTo((byte) 10);
    assertThat(in.get(17)).isEqualTo((byte) 6);
    assertThat(in.get(18)).as("idiag_ext: no INET_DIAG_INFO").isZero();
    assertThat(in.getInt(20)).isEqualTo(0x1FFE);
  }

  private void assertMalformed(MemorySegment d, String message) {
    assertThatThrownBy(() -> parse(d))
        .isInstanceOf(NetlinkException.class)
        .hasMessageContaining("netlink: malformed sock_diag reply: " + message)
        .extracting(e -> ((NetlinkException) e).errno()).isEqualTo(0);
  }
}
