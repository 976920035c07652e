package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The destroy broadcast's messages on crafted bytes: the final tcp_info, and broken frames. */
class SockDiagBroadcastTest {
  private static final SockDiagFrames.TcpInfo INFO =
      new SockDiagFrames.TcpInfo(1234, 7, 43, 1, 5, 3, 41, 0);

  /** What a sink saw of the reused row. */
  private record Seen(int family, int state, int sport, int dport, long cookie, boolean hasInfo,
      long rtt, long retrans, long acked, long received, long segsOut, long segsIn, long sent,
      long retransBytes, int ackedBeyondData) {
    static Seen of(SocketRow r) {
      return new Seen(r.family, r.state, r.localPort, r.remotePort, r.cookie, r.hasInfo, r.rttMicros,
          r.totalRetrans, r.bytesAcked, r.bytesReceived, r.segsOut, r.segsIn, r.bytesSent,
          r.bytesRetrans, r.ackedBeyondData());
    }
  }

  private final SockDiagParser parser = new SockDiagParser();
  private final List<Seen> seen = new ArrayList<>();

  private int parse(SockDiagFrames f) throws NetlinkException {
    return parser.parseBroadcast(f.datagram(), r -> seen.add(Seen.of(r)));
  }

  @Test
  void readsTheFinalTcpInfoOfEachEndedSocket() throws Exception {
    int n = parse(new SockDiagFrames()
        .destroyed("10.0.0.1", 40000, "10.0.0.2", 7101, 0xABCDL, INFO, 280)
        .destroyed("2001:db8::1", 8080, "2001:db8::2", 51000, 7, new SockDiagFrames.TcpInfo(99, 0, 1, 42, 2, 5, 0, 0), 280));
    assertThat(n).isEqualTo(2);
    // client, local close: SYN and FIN acknowledged beyond the 41 data bytes -> 2
    assertThat(seen.get(0)).isEqualTo(new Seen(SocketRow.AF_INET, TcpState.CLOSE.code(), 40000, 7101, 0xABCDL,
        true, 1234, 7, 43, 1, 5, 3, 41, 0, 2));
    // server, graceful: only its FIN beyond the data -> 1
    assertThat(seen.get(1).ackedBeyondData()).isEqualTo(1);
    assertThat(seen.get(1).family()).isEqualTo(SocketRow.AF_INET6);
  }

  @Test
  void retransmittedBytesAreNotNewData() throws Exception {
    // 100 bytes sent of which 60 were retransmissions: 40 unique, acked 41 -> only the SYN
    parse(new SockDiagFrames().destroyed("10.0.0.1", 40000, "10.0.0.2", 7104, 1,
        new SockDiagFrames.TcpInfo(500, 3, 41, 0, 9, 2, 100, 60), 280));
    assertThat(seen.getFirst().ackedBeyondData()).isEqualTo(1);
  }

  @Test
  void anOlderKernelsShorterTcpInfoGivesWhatItCovers() throws Exception {
    // Linux 4.x before 4.19: 192 bytes, no tcpi_bytes_sent
    parse(new SockDiagFrames().destroyed("10.0.0.1", 40000, "10.0.0.2", 7101, 1, INFO, 192));
    Seen s = seen.getFirst();
    assertThat(s.rtt()).isEqualTo(1234);
    assertThat(s.segsIn()).isEqualTo(3);
    assertThat(s.sent()).isEqualTo(-1);
    assertThat(s.ackedBeyondData()).as("unknown: the reset split falls back to the kernel counters").isEqualTo(-1);
    // a struct shorter than tcpi_rtt: info present, fields zero
    seen.clear();
    parse(new SockDiagFrames().destroyed("10.0.0.1", 40000, "10.0.0.2", 7101, 1, INFO, 64));
    assertThat(seen.getFirst().hasInfo()).isTrue();
    assertThat(seen.getFirst().rtt()).isZero();
  }

  @Test
  void aBrokenAttributeLengthIsMalformed() throws Exception {
    SockDiagFrames f = new SockDiagFrames();
    f.header(16 + 72 + 8, SockDiagWire.SOCK_DIAG_BY_FAMILY, 0, 0).raw(new byte[] {SocketRow.AF_INET, 7})
        .raw(new byte[70]).attribute(3, SockDiagWire.INET_DIAG_INFO).raw(new byte[4]);
    assertThatThrownBy(() -> parse(f)).isInstanceOf(NetlinkException.class).hasMessageContaining("rta_len 3");
    SockDiagFrames past = new SockDiagFrames();
    past.header(16 + 72 + 8, SockDiagWire.SOCK_DIAG_BY_FAMILY, 0, 0).raw(new byte[] {SocketRow.AF_INET, 7})
        .raw(new byte[70]).attribute(400, SockDiagWire.INET_DIAG_INFO).raw(new byte[4]);
    assertThatThrownBy(() -> parse(past)).isInstanceOf(NetlinkException.class).hasMessageContaining("outside the message");
  }

  @Test
  void messagesABroadcastNeverCarriesAreMalformed() {
    assertThatThrownBy(() -> parse(new SockDiagFrames().done(0, 0)))
        .isInstanceOf(NetlinkException.class).hasMessageContaining("nlmsg_type 3");
    assertThatThrownBy(() -> parse(new SockDiagFrames().raw(new byte[] {20, 0, 0})))
        .isInstanceOf(NetlinkException.class).hasMessageContaining("truncated nlmsghdr");
    assertThatThrownBy(() -> parse(new SockDiagFrames().header(400, SockDiagWire.SOCK_DIAG_BY_FAMILY, 0, 0)))
        .isInstanceOf(NetlinkException.class).hasMessageContaining("runs past the end");
  }

  @Test
  void dumpsSkipAttributesUnread() throws Exception {
    // A dump's rtattrs are never walked: zero padding (rta_len 0) in a dump is not an error.
    parser.begin(1);
    List<SocketRow> rows = new ArrayList<>();
    parser.parse(new SockDiagFrames().socket(1, SockDiagWire.NLM_F_MULTI, TcpState.ESTABLISHED, "10.0.0.1", 1,
        "10.0.0.2", 2, 3, 0, 0, 0, 0, 0, 8).datagram(), r -> rows.add(r));
    assertThat(rows).hasSize(1);
    assertThat(rows.getFirst().hasInfo).isFalse();
  }
}
