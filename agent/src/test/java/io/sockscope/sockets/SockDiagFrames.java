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
