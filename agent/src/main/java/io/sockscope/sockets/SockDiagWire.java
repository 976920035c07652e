package io.sockscope.sockets;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The kernel structures of a sock_diag dump, as offsets. Netlink headers and the inet_diag fields
 * the kernel fills from host integers are in host byte order; ports and addresses in {@code
 * inet_diag_sockid} are in network order (big-endian).
 *
 * <pre>
 * linux/netlink.h      struct nlmsghdr {          // 16 bytes, every message starts 4-aligned
 *                        __u32 nlmsg_len;         //  0 header + payload, before padding
 *                        __u16 nlmsg_type;        //  4 ERROR 2, DONE 3, SOCK_DIAG_BY_FAMILY 20
 *                        __u16 nlmsg_flags;       //  6 REQUEST 1, MULTI 2, DUMP 0x300
 *                        __u32 nlmsg_seq;         //  8 echoed by the kernel in every reply
 *                        __u32 nlmsg_pid; };      // 12 port id, 0 = kernel
 *                      struct nlmsgerr { int error; struct nlmsghdr msg; }  // error = -errno
 *                      NLMSG_DONE payload: int (0, or -errno when the dump failed midway)
 *                      struct sockaddr_nl { __u16 nl_family; __u16 nl_pad; __u32 nl_pid;
 *                                           __u32 nl_groups; }              // 12 bytes
 * linux/inet_diag.h    struct inet_diag_sockid {  // 48 bytes
 *                        __be16 idiag_sport;      //  0
 *                        __be16 idiag_dport;      //  2
 *                        __be32 idiag_src[4];     //  4 IPv4 in [0], IPv6 all four
 *                        __be32 idiag_dst[4];     // 20
 *                        __u32  idiag_if;         // 36
 *                        __u32  idiag_cookie[2];  // 40 host order, [0] = low half
 *                      };
 *                      struct inet_diag_req_v2 {  // 56 bytes (linux/sock_diag.h's
 *                        __u8  sdiag_family;      //  0   sock_diag_req header is its first 2)
 *                        __u8  sdiag_protocol;    //  1 IPPROTO_TCP 6
 *                        __u8  idiag_ext;         //  2 0: no INET_DIAG_INFO (284 B/socket more)
 *                        __u8  pad;               //  3
 *                        __u32 idiag_states;      //  4 bit (1 << state)
 *                        struct inet_diag_sockid id; }  // 8, zero for a dump
 *                      struct inet_diag_msg {     // 72 bytes, then rtattrs we skip
 *                        __u8 idiag_family, idiag_state, idiag_timer, idiag_retrans; // 0..3
 *                        struct inet_diag_sockid id;  //  4
 *                        __u32 idiag_expires;     // 52 ms until the timer fires (TIME_WAIT: left)
 *                        __u32 idiag_rqueue;      // 56 LISTEN: accept queue (sk_ack_backlog)
 *                        __u32 idiag_wqueue;      // 60 LISTEN: its limit (sk_max_ack_backlog)
 *                        __u32 idiag_uid;         // 64
 *                        __u32 idiag_inode;       // 68
 *                      };
 * linux/sock_diag.h    SOCK_DIAG_BY_FAMILY = 20, NETLINK_SOCK_DIAG = 4
 *                      enum sknetlink_groups { NONE, INET_TCP_DESTROY 1, INET_UDP_DESTROY 2,
 *                                              INET6_TCP_DESTROY 3, INET6_UDP_DESTROY 4 }
 *                      (the group follows sk_family: a dual-stack AF_INET6 socket carrying IPv4
 *                      is broadcast on group 3, so both TCP groups are needed)
 * rtattr after inet_diag_msg: { __u16 rta_len; __u16 rta_type; payload }, each 4-aligned
 *                      INET_DIAG_INFO = 2: struct tcp_info (linux/tcp.h), offsets used here:
 *                        __u32 tcpi_rtt 68 (smoothed RTT, µs), __u32 tcpi_total_retrans 100,
 *                        __u64 tcpi_bytes_acked 120, __u64 tcpi_bytes_received 128,
 *                        __u32 tcpi_segs_out 136, __u32 tcpi_segs_in 140,
 *                        __u64 tcpi_bytes_sent 200, __u64 tcpi_bytes_retrans 208 (4.19+; data
 *                        octets, retransmissions included) (older kernels send a
 *                        shorter struct: each field is read only when the attribute covers it)
 * </pre>
 */
final class SockDiagWire {
  static final int AF_NETLINK = 16;
  static final int NETLINK_SOCK_DIAG = 4;
  static final int IPPROTO_TCP = 6;

  static final int NLMSG_HDRLEN = 16;
  static final int NLMSG_NOOP = 1;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int NLMSG_OVERRUN = 4;
  static final int SOCK_DIAG_BY_FAMILY = 20;

  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_DUMP = 0x300; // NLM_F_ROOT | NLM_F_MATCH

  static final int SOCKADDR_NL_SIZE = 12;
  static final int SOL_NETLINK = 270;
  static final int NETLINK_ADD_MEMBERSHIP = 1;
  static final int SKNLGRP_INET_TCP_DESTROY = 1;
  static final int SKNLGRP_INET6_TCP_DESTROY = 3;

  static final int RTA_HDRLEN = 4;
  static final int INET_DIAG_INFO = 2;
  static final int TCPI_RTT = 68;
  static final int TCPI_TOTAL_RETRANS = 100;
  static final int TCPI_BYTES_ACKED = 120;
  static final int TCPI_BYTES_RECEIVED = 128;
  static final int TCPI_SEGS_OUT = 136;
  static final int TCPI_SEGS_IN = 140;
  static final int TCPI_BYTES_SENT = 200;
  static final int TCPI_BYTES_RETRANS = 208;
  static final int REQ_V2_SIZE = 56;
  static final int REQUEST_SIZE = NLMSG_HDRLEN + REQ_V2_SIZE;
  static final int DIAG_MSG_SIZE = 72;

  // offsets inside inet_diag_msg
  static final int MSG_FAMILY = 0;
  static final int MSG_STATE = 1;
  static final int MSG_SPORT = 4;
  static final int MSG_DPORT = 6;
  static final int MSG_SRC = 8;
  static final int MSG_DST = 24;
  static final int MSG_COOKIE = 44;
  static final int MSG_EXPIRES = 52;
  static final int MSG_RQUEUE = 56;
  static final int MSG_WQUEUE = 60;
  static final int MSG_UID = 64;
  static final int MSG_INODE = 68;

  static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED; // host order
  static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
  static final ValueLayout.OfShort BE16 = U16.withOrder(ByteOrder.BIG_ENDIAN);
  static final ValueLayout.OfInt BE32 = U32.withOrder(ByteOrder.BIG_ENDIAN);
  static final ValueLayout.OfLong BE64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private SockDiagWire() {}

  /** NLMSG_ALIGN: messages in a datagram start on 4-byte boundaries. */
  static long align(long len) {
    return (len + 3) & ~3L;
  }

  /**
   * Writes a dump request for every TCP socket of {@code family} whose state is in {@code
   * stateMask} into {@code req} (at least {@link #REQUEST_SIZE} bytes).
   */
  static void writeDumpRequest(MemorySegment req, int seq, int family, int stateMask) {
    req.asSlice(0, REQUEST_SIZE).fill((byte) 0);
    req.set(U32, 0, REQUEST_SIZE);
    req.set(U16, 4, (short) SOCK_DIAG_BY_FAMILY);
    req.set(U16, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
    req.set(U32, 8, seq);
    req.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN, (byte) family);
    req.set(ValueLayout.JAVA_BYTE, NLMSG_HDRLEN + 1, (byte) IPPROTO_TCP);
    req.set(U32, NLMSG_HDRLEN + 4, stateMask);
  }

  /** Writes a {@code sockaddr_nl} for port id {@code pid} (0: the kernel). */
  static void writeSockaddrNl(MemorySegment addr, int pid) {
    addr.asSlice(0, SOCKADDR_NL_SIZE).fill((byte) 0);
    addr.set(U16, 0, (short) AF_NETLINK);
    addr.set(U32, 4, pid);
  }
}
