package io.sockscope.sockets;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Builds sock_diag reply datagrams byte by byte, laid out as the kernel writes them. */
final class SockDiagFrames {
  private final ByteBuffer buf = ByteBuffer.allocate(8192).order(ByteOrder.nativeOrder());

  /** Appends one inet_diag_msg message (plus {@code attrBytes} of trailing rtattr padding). */
  SockDiagFrames socket(int seq, int flags, TcpState state, String src, int sport, String dst,
      int dport, long cookie, int expires, int rqueue, int wqueue, int uid, int inode,
      int attrBytes) throws Exception {
    int len = 16 + 72 + attrBytes;
    header(len, SockDiagWire.SOCK_DIAG_BY_FAMILY, flags, seq);
    byte[] s = InetAddress.getByName(src).getAddress();
    byte[] d = InetAddress.getByName(dst).getAddress();
    buf.put((byte) (s.length == 4 ? SocketRow.AF_INET : SocketRow.AF_INET6));
    buf.put((byte) state.code()).put((byte) 0).put((byte) 0);
    buf.order(ByteOrder.BIG_ENDIAN).putShort((short) sport).putShort((short) dport);
    buf.put(s).put(new byte[16 - s.length]).put(d).put(new byte[16 - d.length]);
    buf.order(ByteOrder.nativeOrder());
    buf.putInt(1); // idiag_if
    buf.putInt((int) cookie).putInt((int) (cookie >>> 32));
    buf.putInt(expires).putInt(rqueue).putInt(wqueue).putInt(uid).putInt(inode);
    buf.put(new byte[attrBytes]);
    pad();
    return this;
  }

  /** The final tcp_info of a destroy event, as the kernel lays out struct tcp_info. */
  record TcpInfo(int rttMicros, int totalRetrans, long bytesAcked, long bytesReceived, int segsOut,
      int segsIn, long bytesSent, long bytesRetrans) {}

  /**
   * Appends one destroy broadcast message (sequence 0, state CLOSE) with INET_DIAG_INFO holding
   * {@code info} in a struct of {@code infoLen} bytes (280 on Linux 6.18, less on older kernels),
   * then INET_DIAG_PROTOCOL (1 byte, padded), as sock_diag_broadcast_destroy writes them.
   */
  SockDiagFrames destroyed(String src, int sport, String dst, int dport, long cookie, TcpInfo info,
      int infoLen) throws Exception {
    int infoAttr = 4 + infoLen;
    int len = 16 + 72 + ((infoAttr + 3) & ~3) + 8;
    header(len, SockDiagWire.SOCK_DIAG_BY_FAMILY, 0, 0);
    byte[] s = InetAddress.getByName(src).getAddress();
    byte[] d = InetAddress.getByName(dst).getAddress();
    buf.put((byte) (s.length == 4 ? SocketRow.AF_INET : SocketRow.AF_INET6));
    buf.put((byte) TcpState.CLOSE.code()).put((byte) 0).put((byte) 0);
    buf.order(ByteOrder.BIG_ENDIAN).putShort((short) sport).putShort((short) dport);
    buf.put(s).put(new byte[16 - s.length]).put(d).put(new byte[16 - d.length]);
    buf.order(ByteOrder.nativeOrder());
    buf.putInt(0);
    buf.putInt((int) cookie).putInt((int) (cookie >>> 32));
    buf.putInt(0).putInt(0).putInt(0).putInt(65534).putInt(4242);
    buf.putShort((short) infoAttr).putShort((short) SockDiagWire.INET_DIAG_INFO);
    ByteBuffer t = ByteBuffer.allocate(280).order(ByteOrder.nativeOrder());
    t.put(0, (byte) TcpState.CLOSE.code());
    t.putInt(68, info.rttMicros()).putInt(100, info.totalRetrans());
    t.putLong(120, info.bytesAcked()).putLong(128, info.bytesReceived());
    t.putInt(136, info.segsOut()).putInt(140, info.segsIn());
    t.putLong(200, info.bytesSent()).putLong(208, info.bytesRetrans());
    buf.put(t.array(), 0, infoLen);
    pad();
    buf.putShort((short) 5).putShort((short) 10).put((byte) SockDiagWire.IPPROTO_TCP);
    pad();
    return this;
  }

  /** Appends a raw rtattr header (for broken lengths). */
  SockDiagFrames attribute(int rtaLen, int type) {
    buf.putShort((short) rtaLen).putShort((short) type);
    return this;
  }

  SockDiagFrames done(int seq, int status) {
    header(20, SockDiagWire.NLMSG_DONE, SockDiagWire.NLM_F_MULTI, seq);
    buf.putInt(status);
    return this;
  }

  /** NLMSG_ERROR with {@code error} = -errno, echoing the request header as the kernel does. */
  SockDiagFrames error(int seq, int error) {
    header(36, SockDiagWire.NLMSG_ERROR, 0, seq);
    buf.putInt(error);
    buf.putInt(SockDiagWire.REQUEST_SIZE).putShort((short) 20).putShort((short) 0x301);
    buf.putInt(seq).putInt(0);
    return this;
  }

  SockDiagFrames header(int len, int type, int flags, int seq) {
    buf.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    return this;
  }

  SockDiagFrames raw(byte... bytes) {
    buf.put(bytes);
    return this;
  }

  private void pad() {
    while (buf.position() % 4 != 0) {
      buf.put((byte) 0);
    }
  }

  /** The datagram so far, as a segment of exactly its length. */
  MemorySegment datagram() {
    byte[] out = new byte[buf.position()];
    buf.duplicate().flip().get(out);
    return MemorySegment.ofArray(out);
  }
}
