package io.sockscope.sockets;

import static io.sockscope.sockets.SockDiagWire.BE16;
import static io.sockscope.sockets.SockDiagWire.BE32;
import static io.sockscope.sockets.SockDiagWire.BE64;
import static io.sockscope.sockets.SockDiagWire.DIAG_MSG_SIZE;
import static io.sockscope.sockets.SockDiagWire.NLMSG_HDRLEN;
import static io.sockscope.sockets.SockDiagWire.U16;
import static io.sockscope.sockets.SockDiagWire.U32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Pure parser of sock_diag reply datagrams (layouts in {@link SockDiagWire}): walks the netlink
 * messages of one datagram, fills the one reused {@link SocketRow} per {@code inet_diag_msg} and
 * hands it to the sink. No I/O and no allocation per socket, so crafted bytes can test it.
 *
 * <p>Every length is checked before it is used: a short header, an {@code nlmsg_len} below the
 * header size or past the end of the datagram, or a short payload throws {@link NetlinkException}
 * naming the offset; the walk always advances, so bad input can neither crash nor loop.
 *
 * <p>One reply (one request's {@code nlmsg_seq}) is parsed between {@link #begin} and the call of
 * {@link #parse} that returns {@code true}. Not thread-safe: one dump at a time.
 */
final class SockDiagParser {
  private final SocketRow row = new SocketRow();
  private int seq;
  private long sockets;

  /** Starts a reply: messages must carry {@code seq}; the socket count restarts at 0. */
  void begin(int expectedSeq) {
    this.seq = expectedSeq;
    this.sockets = 0;
  }

  /**
   * Parses one datagram of the destroy broadcast ({@code SKNLGRP_INET*_TCP_DESTROY}): messages
   * not tied to a request (sequence 0, no NLMSG_DONE), each an {@code inet_diag_msg} with the
   * final {@code tcp_info}. The same length checks as {@link #parse}; NLMSG_NOOP is skipped.
   *
   * @return the number of sockets delivered to the sink
   * @throws NetlinkException on a malformed length or a message type a broadcast never carries
   */
  int parseBroadcast(MemorySegment datagram, SocketSink sink) throws NetlinkException {
    long len = datagram.byteSize();
    long off = 0;
    int n = 0;
    while (off < len) {
      long msgLen = messageLength(datagram, off, len);
      int type = Short.toUnsignedInt(datagram.get(U16, off + 4));
      if (type == SockDiagWire.SOCK_DIAG_BY_FAMILY) {
        fill(datagram, off + NLMSG_HDRLEN, msgLen - NLMSG_HDRLEN, off, true);
        sink.accept(row);
        n++;
      } else if (type != SockDiagWire.NLMSG_NOOP) {
        throw NetlinkException.malformed("unexpected nlmsg_type " + type + " at offset " + off
            + " in a destroy broadcast");
      }
      off += SockDiagWire.align(msgLen);
    }
    return n;
  }

  private static long messageLength(MemorySegment datagram, long off, long len) throws NetlinkException {
    if (len - off < NLMSG_HDRLEN) {
      throw NetlinkException.malformed("truncated nlmsghdr at offset " + off + ": "
          + (len - off) + " bytes left, need " + NLMSG_HDRLEN);
    }
    long msgLen = Integer.toUnsignedLong(datagram.get(U32, off));
    if (msgLen < NLMSG_HDRLEN) {
      throw NetlinkException.malformed("nlmsg_len " + msgLen + " at offset " + off
          + " is smaller than the " + NLMSG_HDRLEN + "-byte header");
    }
    if (msgLen > len - off) {
      throw NetlinkException.malformed("nlmsg_len " + msgLen + " at offset " + off
          + " runs past the end of the datagram (" + (len - off) + " bytes left)");
    }
    return msgLen;
  }

  /** Sockets delivered since {@link #begin}. */
  long sockets() {
    return sockets;
  }

  /**
   * Parses one received datagram.
   *
   * @return true when the reply is complete (NLMSG_DONE, or a single-part reply without
   *     NLM_F_MULTI); false when more datagrams follow
   * @throws NetlinkException on NLMSG_ERROR (with its errno), NLMSG_OVERRUN, a wrong sequence
   *     number, an unknown message type or any malformed length
   */
  boolean parse(MemorySegment datagram, SocketSink sink) throws NetlinkException {
    long len = datagram.byteSize();
    long off = 0;
    boolean multi = false;
    while (off < len) {
      long msgLen = messageLength(datagram, off, len);
      int type = Short.toUnsignedInt(datagram.get(U16, off + 4));
      int flags = Short.toUnsignedInt(datagram.get(U16, off + 6));
      int msgSeq = datagram.get(U32, off + 8);
      if (msgSeq != seq) {
        throw NetlinkException.malformed("nlmsg_seq " + Integer.toUnsignedString(msgSeq)
            + " at offset " + off + ", expected " + Integer.toUnsignedString(seq));
      }
      long payload = off + NLMSG_HDRLEN;
      long payloadLen = msgLen - NLMSG_HDRLEN;
      multi |= (flags & SockDiagWire.NLM_F_MULTI) != 0;
      switch (type) {
        case SockDiagWire.SOCK_DIAG_BY_FAMILY -> {
          fill(datagram, payload, payloadLen, off, false);
          sink.accept(row);
          sockets++;
        }
        case SockDiagWire.NLMSG_DONE -> {
          // Since Linux 4.x the payload is the dump's final status: -errno when it failed midway.
          int status = payloadLen >= 4 ? datagram.get(U32, payload) : 0;
          if (status < 0) {
            throw NetlinkException.failed("dump ended with an error", -status);
          }
          return true;
        }
        case SockDiagWire.NLMSG_ERROR -> {
          if (payloadLen < 4) {
            throw NetlinkException.malformed("truncated NLMSG_ERROR at offset " + off);
          }
          int error = datagram.get(U32, payload);
          if (error == 0) {
            return true; // an ACK: the request succeeded with nothing to report
          }
          throw NetlinkException.failed("SOCK_DIAG_BY_FAMILY request failed", -error);
        }
        case SockDiagWire.NLMSG_NOOP -> {}
        case SockDiagWire.NLMSG_OVERRUN ->
            throw NetlinkException.malformed("NLMSG_OVERRUN at offset " + off + ": data lost");
        default ->
            throw NetlinkException.malformed("unexpected nlmsg_type " + type + " at offset " + off);
      }
      off += SockDiagWire.align(msgLen);
    }
    // A reply whose messages lack NLM_F_MULTI is a single-part reply: this datagram completes it.
    return !multi && len > 0;
  }

  // Reads at absolute offsets: a slice per message would be an object per socket.
  // Dumps do not ask for attributes (their rtattrs are skipped unread); broadcasts carry tcp_info.
  private void fill(MemorySegment d, long m, long len, long off, boolean withAttributes)
      throws NetlinkException {
    if (len < DIAG_MSG_SIZE) {
      throw NetlinkException.malformed("truncated inet_diag_msg at offset " + off + ": "
          + len + " bytes, need " + DIAG_MSG_SIZE);
    }
    SocketRow r = row;
    r.clear();
    r.family = Byte.toUnsignedInt(d.get(ValueLayout.JAVA_BYTE, m + SockDiagWire.MSG_FAMILY));
    r.state = Byte.toUnsignedInt(d.get(ValueLayout.JAVA_BYTE, m + SockDiagWire.MSG_STATE));
    r.localPort = Short.toUnsignedInt(d.get(BE16, m + SockDiagWire.MSG_SPORT));
    r.remotePort = Short.toUnsignedInt(d.get(BE16, m + SockDiagWire.MSG_DPORT));
    if (r.family == SocketRow.AF_INET) {
      r.localLo = Integer.toUnsignedLong(d.get(BE32, m + SockDiagWire.MSG_SRC));
      r.remoteLo = Integer.toUnsignedLong(d.get(BE32, m + SockDiagWire.MSG_DST));
    } else if (r.family == SocketRow.AF_INET6) {
      r.localHi = d.get(BE64, m + SockDiagWire.MSG_SRC);
      r.localLo = d.get(BE64, m + SockDiagWire.MSG_SRC + 8);
      r.remoteHi = d.get(BE64, m + SockDiagWire.MSG_DST);
      r.remoteLo = d.get(BE64, m + SockDiagWire.MSG_DST + 8);
    } else {
      throw NetlinkException.malformed("idiag_family " + r.family + " at offset " + off
          + " is neither AF_INET nor AF_INET6");
    }
    // The kernel stores the 64-bit cookie as two host-order u32, low half first.
    r.cookie = (long) d.get(U32, m + SockDiagWire.MSG_COOKIE + 4) << 32
        | Integer.toUnsignedLong(d.get(U32, m + SockDiagWire.MSG_COOKIE));
    r.expiresMs = Integer.toUnsignedLong(d.get(U32, m + SockDiagWire.MSG_EXPIRES));
    r.rxQueue = Integer.toUnsignedLong(d.get(U32, m + SockDiagWire.MSG_RQUEUE));
    r.txQueue = Integer.toUnsignedLong(d.get(U32, m + SockDiagWire.MSG_WQUEUE));
    r.uid = d.get(U32, m + SockDiagWire.MSG_UID);
    r.inode = Integer.toUnsignedLong(d.get(U32, m + SockDiagWire.MSG_INODE));
    if (withAttributes) {
      attributes(d, m + DIAG_MSG_SIZE, m + len, off);
    }
  }

  /**
   * Walks the rtattrs after the inet_diag_msg up to {@code end} (the message's end) and reads
   * INET_DIAG_INFO; other attributes are skipped. A broken attribute length is malformed input.
   */
  private void attributes(MemorySegment d, long a, long end, long off) throws NetlinkException {
    while (end - a >= SockDiagWire.RTA_HDRLEN) {
      int rtaLen = Short.toUnsignedInt(d.get(U16, a));
      int rtaType = Short.toUnsignedInt(d.get(U16, a + 2));
      if (rtaLen < SockDiagWire.RTA_HDRLEN || rtaLen > end - a) {
        throw NetlinkException.malformed("rta_len " + rtaLen + " at offset " + (a - off)
            + " of the message at offset " + off + " is outside the message");
      }
      if (rtaType == SockDiagWire.INET_DIAG_INFO) {
        tcpInfo(d, a + SockDiagWire.RTA_HDRLEN, rtaLen - SockDiagWire.RTA_HDRLEN);
      }
      a += SockDiagWire.align(rtaLen);
    }
  }

  // tcp_info grew over the years: read a field only when this kernel's struct covers it.
  private void tcpInfo(MemorySegment d, long p, long len) {
    SocketRow r = row;
    r.hasInfo = true;
    if (len >= SockDiagWire.TCPI_RTT + 4) {
      r.rttMicros = Integer.toUnsignedLong(d.get(U32, p + SockDiagWire.TCPI_RTT));
    }
    if (len >= SockDiagWire.TCPI_TOTAL_RETRANS + 4) {
      r.totalRetrans = Integer.toUnsignedLong(d.get(U32, p + SockDiagWire.TCPI_TOTAL_RETRANS));
    }
    if (len >= SockDiagWire.TCPI_BYTES_RECEIVED + 8) {
      r.bytesAcked = d.get(ValueLayout.JAVA_LONG_UNALIGNED, p + SockDiagWire.TCPI_BYTES_ACKED);
      r.bytesReceived = d.get(ValueLayout.JAVA_LONG_UNALIGNED, p + SockDiagWire.TCPI_BYTES_RECEIVED);
    }
    if (len >= SockDiagWire.TCPI_SEGS_IN + 4) {
      r.segsOut = Integer.toUnsignedLong(d.get(U32, p + SockDiagWire.TCPI_SEGS_OUT));
      r.segsIn = Integer.toUnsignedLong(d.get(U32, p + SockDiagWire.TCPI_SEGS_IN));
    }
    if (len >= SockDiagWire.TCPI_BYTES_RETRANS + 8) {
      r.bytesSent = d.get(ValueLayout.JAVA_LONG_UNALIGNED, p + SockDiagWire.TCPI_BYTES_SENT);
      r.bytesRetrans = d.get(ValueLayout.JAVA_LONG_UNALIGNED, p + SockDiagWire.TCPI_BYTES_RETRANS);
    }
  }
}
