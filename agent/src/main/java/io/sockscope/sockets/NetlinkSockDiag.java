package io.sockscope.sockets;

import static io.sockscope.sockets.SockDiagWire.AF_NETLINK;
import static io.sockscope.sockets.SockDiagWire.NETLINK_SOCK_DIAG;
import static io.sockscope.sockets.SockDiagWire.REQUEST_SIZE;
import static io.sockscope.sockets.SockDiagWire.SOCKADDR_NL_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Optional;

/**
 * The primary socket source: netlink sock_diag ({@code SOCK_DIAG_BY_FAMILY}) through the FFM API.
 * A dump sends one {@code inet_diag_req_v2} per family (AF_INET, then AF_INET6) for IPPROTO_TCP
 * with the state mask and no extensions (INET_DIAG_INFO would add ~284 B per socket), and parses
 * each reply datagram in place ({@link SockDiagParser}) into one reused {@link SocketRow}.
 *
 * <p>Cost: one native receive buffer and one request buffer, allocated once and reused; no object
 * per socket. The kernel fills one datagram of up to ~32 KiB per {@code recv} (it sizes dump skbs
 * from the reader's buffer, capped at 32 KiB), so the 64 KiB buffer always holds a whole datagram.
 *
 * <p>Failures: a failed call or an NLMSG_ERROR throws {@link NetlinkException} naming the errno;
 * EINTR is retried; ENOBUFS (the socket's receive queue overflowed) and any error in the middle of
 * a reply close the netlink socket, so the next dump starts on a fresh one with no stale replies.
 * A kernel without IPv6 (ENOENT or EAFNOSUPPORT for the AF_INET6 request) yields no IPv6 sockets.
 * A receive timeout bounds a dump that the kernel never finishes.
 *
 * <p>Thread confinement: one instance serves one thread at a time (the sampler's). {@link #close}
 * may come from another thread: it then waits for nothing and releases the memory when the running
 * dump returns.
 */
public final class NetlinkSockDiag implements SocketSource {
  private static final System.Logger logger = System.getLogger(NetlinkSockDiag.class.getName());
  static final int BUFFER_SIZE = 64 * 1024;
  static final int RECEIVE_TIMEOUT_SECONDS = 5;

  private final Arena arena = Arena.ofShared();
  private final MemorySegment callState = Libc.newCallState(arena);
  private final MemorySegment buffer = arena.allocate(BUFFER_SIZE, 8);
  private final MemorySegment request = arena.allocate(REQUEST_SIZE, 8);
  private final MemorySegment kernel = arena.allocate(SOCKADDR_NL_SIZE, 4);
  private final MemorySegment from = arena.allocate(SOCKADDR_NL_SIZE, 4);
  private final MemorySegment fromLen = arena.allocate(JAVA_INT);
  private final SockDiagParser parser = new SockDiagParser();
  private int fd = -1;
  private int seq;
  private boolean dumping;
  private boolean closed;

  private NetlinkSockDiag() {
    SockDiagWire.writeSockaddrNl(kernel, 0);
  }

  /**
   * Links the libc downcalls on a background thread now, so that making their stubs (~100 ms at
   * start: the AOT cache holds no downcall stubs) overlaps the rest of the start-up instead of
   * delaying the first dump, which readiness waits for. What fails here fails again, and is
   * reported, in {@link #open}.
   */
  public static void linkInBackground() {
    Thread.ofPlatform().name("netlink-link").daemon().start(() -> {
      try {
        Libc.warmUp();
      } catch (LinkageError | RuntimeException ignored) {
        // open() reports it
      }
    });
  }

  /**
   * Opens the source and checks it with an empty dump (state mask 0), so that a kernel without
   * inet_diag, a seccomp filter or a non-Linux system fail here rather than at the first sample.
   *
   * @throws IOException naming why netlink sock_diag cannot be used
   */
  public static NetlinkSockDiag open() throws IOException {
    String os = System.getProperty("os.name", "?");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      throw new NetlinkException("netlink: sock_diag exists only on Linux (os.name=" + os + ")", 0);
    }
    NetlinkSockDiag source;
    try {
      source = new NetlinkSockDiag();
    } catch (LinkageError | RuntimeException e) {
      // no libc symbol, native access denied (--illegal-native-access=deny), ...
      throw new NetlinkException("netlink: cannot call libc through the FFM API: " + e, 0);
    }
    try {
      source.dump(0, row -> {});
      return source;
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** {@link #open()}, or empty with the reason logged: for {@code sockets.source: auto}. */
  public static Optional<NetlinkSockDiag> tryOpen() {
    try {
      return Optional.of(open());
    } catch (IOException e) {
      logger.log(Level.INFO, "netlink sock_diag unavailable, using procfs: " + e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public String name() {
    return "netlink";
  }

  @Override
  public boolean reportsListenLimit() {
    return true; // idiag_wqueue of a LISTEN socket is sk_max_ack_backlog
  }

  @Override
  public long dump(int stateMask, SocketSink sink) throws IOException {
    synchronized (this) {
      if (closed) {
        throw new IOException("netlink: source is closed");
      }
      dumping = true;
    }
    boolean clean = false;
    try {
      if (fd < 0) {
        fd = openSocket();
      }
      long n = dumpFamily(SocketRow.AF_INET, stateMask, sink);
      n += dumpFamily(SocketRow.AF_INET6, stateMask, sink);
      clean = true;
      return n;
    } finally {
      if (!clean) {
        closeSocket(); // unread replies may remain: the next dump starts on a fresh socket
      }
      synchronized (this) {
        dumping = false;
        if (closed) {
          release();
        }
      }
    }
  }

  private long dumpFamily(int family, int stateMask, SocketSink sink) throws IOException {
    int s = ++seq;
    SockDiagWire.writeDumpRequest(request, s, family, stateMask);
    send();
    parser.begin(s);
    try {
      while (!parser.parse(buffer.asSlice(0, receive()), sink)) {
        // next datagram of a multi-part reply
      }
    } catch (NetlinkException e) {
      // A kernel built without IPv6 has no AF_INET6 handler: that family simply has no sockets.
      boolean noIpv6 = e.errno() == Errno.ENOENT || e.errno() == Errno.EAFNOSUPPORT;
      if (family == SocketRow.AF_INET6 && noIpv6 && parser.sockets() == 0) {
        return 0;
      }
      throw e;
    }
    return parser.sockets();
  }

  private void send() throws IOException {
    while (true) {
      long n = Libc.sendto(callState, fd, request, REQUEST_SIZE, 0, kernel, SOCKADDR_NL_SIZE);
      if (n == REQUEST_SIZE) {
        return;
      }
      if (n >= 0) {
        throw new NetlinkException("netlink: short send: " + n + " of " + REQUEST_SIZE, 0);
      }
      int errno = Libc.errno(callState);
      if (errno != Errno.EINTR) {
        throw NetlinkException.failed("send", errno);
      }
    }
  }

  /** Receives one datagram from the kernel into {@link #buffer}; returns its length. */
  private long receive() throws IOException {
    while (true) {
      fromLen.set(JAVA_INT, 0, SOCKADDR_NL_SIZE);
      // MSG_TRUNC: the return value is the datagram's real length even when it did not fit.
      long n = Libc.recvfrom(callState, fd, buffer, BUFFER_SIZE, Libc.MSG_TRUNC, from, fromLen);
      if (n < 0) {
        int errno = Libc.errno(callState);
        switch (errno) {
          case Errno.EINTR -> {
            continue;
          }
          case Errno.ENOBUFS ->
              throw new NetlinkException("netlink: receive buffer overrun (ENOBUFS)", errno);
          case Errno.EAGAIN -> throw NetlinkException.failed(
              "no reply within " + RECEIVE_TIMEOUT_SECONDS + " s (recv timed out)", errno);
          default -> throw NetlinkException.failed("recv", errno);
        }
      }
      if (n > BUFFER_SIZE) {
        throw NetlinkException.malformed("datagram of " + n + " bytes exceeds the "
            + BUFFER_SIZE + "-byte receive buffer");
      }
      if (from.get(JAVA_INT, 4) != 0) {
        continue; // not from the kernel (another process may send to our port id): ignore
      }
      return n;
    }
  }

  private int openSocket() throws IOException {
    int type = Libc.SOCK_RAW | Libc.SOCK_CLOEXEC;
    int s = Libc.socket(callState, AF_NETLINK, type, NETLINK_SOCK_DIAG);
    if (s < 0) {
      throw NetlinkException.failed("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", Libc.errno(callState));
    }
    try (Arena local = Arena.ofConfined()) {
      MemorySegment timeval = local.allocate(16, 8);
      timeval.set(JAVA_LONG, 0, RECEIVE_TIMEOUT_SECONDS);
      if (Libc.setsockopt(callState, s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeval, 16) < 0) {
        int errno = Libc.errno(callState);
        Libc.close(callState, s);
        throw NetlinkException.failed("setsockopt(SO_RCVTIMEO)", errno);
      }
      MemorySegment self = local.allocate(SOCKADDR_NL_SIZE, 4);
      SockDiagWire.writeSockaddrNl(self, 0); // port id 0: the kernel picks one
      if (Libc.bind(callState, s, self, SOCKADDR_NL_SIZE) < 0) {
        int errno = Libc.errno(callState);
        Libc.close(callState, s);
        throw NetlinkException.failed("bind", errno);
      }
    }
    return s;
  }

  private void closeSocket() {
    if (fd >= 0) {
      Libc.close(callState, fd);
      fd = -1;
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (dumping) {
        return; // the running dump releases everything when it returns
      }
    }
    release();
  }

  private void release() {
    closeSocket();
    arena.close();
  }
}
