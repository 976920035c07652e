package io.sockscope.sockets;

import static io.sockscope.sockets.SockDiagWire.AF_NETLINK;
import static io.sockscope.sockets.SockDiagWire.NETLINK_SOCK_DIAG;
import static io.sockscope.sockets.SockDiagWire.SOCKADDR_NL_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;

/**
 * The end of every TCP socket of the network namespace, as the kernel broadcasts it on the
 * sock_diag multicast groups {@code SKNLGRP_INET_TCP_DESTROY} (1) and {@code
 * SKNLGRP_INET6_TCP_DESTROY} (3): one {@code inet_diag_msg} per freed socket, state CLOSE, with the
 * 4-tuple and the final {@code tcp_info}. Joining needs no capability (measured on Linux 6.18 as
 * uid 65534 without capabilities). TIME_WAIT and request minisockets are not broadcast: a local
 * close is announced when its socket turns into a TIME_WAIT twin with the same 4-tuple.
 *
 * <p>One daemon thread reads and parses ({@link SockDiagParser#parseBroadcast}) and hands each
 * event to a {@link CloseEventRing}; it never waits for the sampler. When the kernel finds the
 * receive buffer full it drops messages and the next {@code recv} fails with ENOBUFS: the thread
 * counts an overrun and goes on; the sampler then reconciles that interval from the MIBs.
 */
public final class NetlinkDestroyEvents implements AutoCloseable {
  private static final System.Logger logger = System.getLogger(NetlinkDestroyEvents.class.getName());
  static final int BUFFER_SIZE = 64 * 1024;
  /**
   * Default ring: 32,768 events, ~3,000 ends/s over a 10 s dump interval; 1.5 MiB when full, one
   * 24 KiB segment when the sampler keeps up (CloseEventRing).
   */
  static final int RING_CAPACITY = 32 * 1024;

  private final Arena arena = Arena.ofShared();
  private final MemorySegment callState = Libc.newCallState(arena);
  private final MemorySegment buffer = arena.allocate(BUFFER_SIZE, 8);
  private final MemorySegment from = arena.allocate(SOCKADDR_NL_SIZE, 4);
  private final MemorySegment fromLen = arena.allocate(JAVA_INT);
  private final SockDiagParser parser = new SockDiagParser();
  /**
   * How often the reading thread wakes with nothing to read, to notice {@link #close}. It was 1 s:
   * 60 wake-ups a minute, each an FFM call run interpreted (the thread is too rare for C1), 0.07 %
   * of a core in an idle sidecar (docs/performance.md). close() does not wait for it.
   */
  static final int RECEIVE_TIMEOUT_SECONDS = 10;

  private final CloseEventRing ring;
  private final int fd;
  private final int receiveBuffer;
  private volatile boolean closed;
  private volatile long received;
  private volatile long overruns;
  private volatile long malformed;
  private volatile boolean released;
  private Thread thread;

  private NetlinkDestroyEvents(int fd, int receiveBuffer, int ringCapacity) {
    this.fd = fd;
    this.receiveBuffer = receiveBuffer;
    this.ring = new CloseEventRing(ringCapacity);
  }

  /**
   * Joins both TCP destroy groups with a receive buffer of {@code receiveBufferBytes} (forced past
   * {@code net.core.rmem_max} when the process may, else capped there by the kernel).
   *
   * @throws IOException naming why the subscription is refused (old kernel, seccomp, not Linux)
   */
  public static NetlinkDestroyEvents open(int receiveBufferBytes) throws IOException {
    return open(receiveBufferBytes, RING_CAPACITY, RECEIVE_TIMEOUT_SECONDS);
  }

  static NetlinkDestroyEvents open(int receiveBufferBytes, int ringCapacity, int receiveTimeoutSeconds)
      throws IOException {
    String os = System.getProperty("os.name", "?");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      throw new NetlinkException("netlink: sock_diag exists only on Linux (os.name=" + os + ")", 0);
    }
    try (Arena local = Arena.ofConfined()) {
      MemorySegment cs = Libc.newCallState(local);
      int s = Libc.socket(cs, AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
      if (s < 0) {
        throw NetlinkException.failed("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", Libc.errno(cs));
      }
      try {
        MemorySegment v = local.allocate(16, 8);
        v.set(JAVA_INT, 0, receiveBufferBytes);
        if (Libc.setsockopt(cs, s, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, v, 4) < 0) {
          check(cs, Libc.setsockopt(cs, s, Libc.SOL_SOCKET, Libc.SO_RCVBUF, v, 4), "setsockopt(SO_RCVBUF)");
        }
        // A timeout lets the thread see close() without a signal.
        v.set(JAVA_LONG, 0, receiveTimeoutSeconds);
        v.set(JAVA_LONG, 8, 0);
        check(cs, Libc.setsockopt(cs, s, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, v, 16), "setsockopt(SO_RCVTIMEO)");
        MemorySegment self = local.allocate(SOCKADDR_NL_SIZE, 4);
        SockDiagWire.writeSockaddrNl(self, 0);
        check(cs, Libc.bind(cs, s, self, SOCKADDR_NL_SIZE), "bind");
        for (int group : new int[] {SockDiagWire.SKNLGRP_INET_TCP_DESTROY, SockDiagWire.SKNLGRP_INET6_TCP_DESTROY}) {
          v.set(JAVA_INT, 0, group);
          check(cs, Libc.setsockopt(cs, s, SockDiagWire.SOL_NETLINK, SockDiagWire.NETLINK_ADD_MEMBERSHIP, v, 4),
              "setsockopt(NETLINK_ADD_MEMBERSHIP, group " + group + ")");
        }
      } catch (IOException | RuntimeException e) {
        Libc.close(cs, s);
        throw e;
      }
      return new NetlinkDestroyEvents(s, receiveBufferBytes, ringCapacity);
    } catch (LinkageError e) {
      throw new NetlinkException("netlink: cannot call libc through the FFM API: " + e, 0);
    }
  }

  private static void check(MemorySegment cs, long result, String call) throws NetlinkException {
    if (result < 0) {
      throw NetlinkException.failed(call, Libc.errno(cs));
    }
  }

  /** Starts the reading thread (daemon). */
  public synchronized void start() {
    if (thread == null && !closed) {
      thread = Thread.ofPlatform().name("socket-ends").daemon().start(this::run);
    }
  }

  private void run() {
    try {
      read();
    } finally {
      release(); // once started, the thread owns the socket: close() does not wait for it
    }
  }

  private void read() {
    SocketSink sink = row -> {
      received++; // single writer
      ring.offer(row);
    };
    while (!closed) {
      fromLen.set(JAVA_INT, 0, SOCKADDR_NL_SIZE);
      long n = Libc.recvfrom(callState, fd, buffer, BUFFER_SIZE, Libc.MSG_TRUNC, from, fromLen);
      if (n < 0) {
        int errno = Libc.errno(callState);
        if (errno == Errno.ENOBUFS) {
          overruns++; // messages were dropped by the kernel; the socket stays usable
        } else if (errno != Errno.EAGAIN && errno != Errno.EINTR && !closed) {
          logger.log(Level.WARNING, "socket end events: recv failed with " + Errno.describe(errno)
              + "; closes are reconciled from the kernel counters only from now on");
          overruns++;
          return;
        }
        continue;
      }
      if (n > BUFFER_SIZE || from.get(JAVA_INT, 4) != 0) {
        malformed++;
        continue; // truncated, or not from the kernel
      }
      try {
        parser.parseBroadcast(buffer.asSlice(0, n), sink);
      } catch (NetlinkException e) {
        malformed++; // the events before the bad message were delivered; the rest is lost
        overruns++;
      }
    }
  }

  CloseEventRing ring() {
    return ring;
  }

  /** Destroy events received from the kernel since the start. */
  public long received() {
    return received;
  }

  /**
   * Times events were lost (ENOBUFS, a broken datagram, or the ring full): any change between two
   * dumps makes that interval lossy.
   */
  long lossEpoch() {
    return overruns + ring.dropped();
  }

  /** Receive-buffer overruns (ENOBUFS) and unreadable datagrams. */
  public long overruns() {
    return overruns;
  }

  public int receiveBuffer() {
    return receiveBuffer;
  }

  /** True once the socket and its native memory are freed. */
  boolean released() {
    return released;
  }

  private void release() {
    Libc.close(callState, fd);
    arena.close();
    released = true;
  }

  /**
   * Stops the subscription without waiting: the reading thread frees the socket when it next
   * wakes (an event, or its receive timeout), since closing a descriptor another thread is
   * blocked on does not wake it and the number could be reused under it. Never started: freed now.
   */
  @Override
  public void close() {
    boolean started;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      started = thread != null;
    }
    if (!started) {
      release();
    }
  }
}
