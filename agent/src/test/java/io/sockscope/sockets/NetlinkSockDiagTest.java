package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** NetlinkSockDiag against real loopback sockets, with {@code ss -tan} as ground truth. */
class NetlinkSockDiagTest {
  private NetlinkSockDiag netlink;

  @BeforeEach
  void open() throws Exception {
    netlink = NetlinkSockDiag.open();
  }

  @AfterEach
  void close() {
    netlink.close();
  }

  @Test
  void ipv4SocketsAgreeWithSsStateByState() throws Exception {
    SsCounts.requireSs();
    try (ChannelWorkload w = new ChannelWorkload(StandardProtocolFamily.INET)) {
      assertAgreesWithSs(w::owns, w::ownsSs, ChannelWorkload.expected());
      assertThat(rows(w::owns)).allSatisfy(r -> {
        assertThat(r.localHi).isZero();
        assertThat(r.remoteHi).isZero();
        assertThat(r.remoteLo).isEqualTo(r.state == TcpState.LISTEN.code() ? 0 : 0x7F000001L);
      });
    }
  }

  @Test
  void ipv6SocketsAgreeWithSsStateByState() throws Exception {
    SsCounts.requireSs();
    try (ChannelWorkload w = new ChannelWorkload(StandardProtocolFamily.INET6)) {
      assertAgreesWithSs(w::owns, w::ownsSs, ChannelWorkload.expected());
      int portA = ChannelWorkload.port(w.a);
      List<SocketRow> rows = rows(w::owns);
      assertThat(rows).filteredOn(r -> r.state != TcpState.LISTEN.code()).allSatisfy(r -> {
        assertThat(r.remoteHi).isZero();
        assertThat(r.remoteLo).as("::1").isEqualTo(1);
      });
      assertThat(rows).filteredOn(r -> r.state == TcpState.LISTEN.code() && r.localPort == portA)
          .singleElement().satisfies(r -> assertThat(r.remoteUnspecified()).isTrue());
      // a client toward A: its remote end is [::1]:portA
      assertThat(rows)
          .filteredOn(r -> r.state == TcpState.ESTABLISHED.code() && r.remotePort == portA)
          .hasSize(ChannelWorkload.PAIRS);
    }
  }

  @Test
  void javaNetSocketsAgreeWithSs() throws Exception {
    SsCounts.requireSs();
    try (LoopbackWorkload w = new LoopbackWorkload()) {
      // java.net sockets on a dual-stack host are AF_INET6 with IPv4-mapped addresses
      Predicate<SocketRow> owns = r -> w.owns(r.localPort, r.remotePort)
          && (r.family == SocketRow.AF_INET ? r.localLo == 0x7F000001L
              : r.localHi == 0 && r.localLo == 0xFFFF7F000001L);
      BiPredicate<String, String> ownsSs = (local, peer) ->
          (local.startsWith("127.0.0.1:") || local.startsWith("[::ffff:127.0.0.1]:"))
              && w.owns(SsCounts.port(local), SsCounts.port(peer));
      assertAgreesWithSs(owns, ownsSs, LoopbackWorkload.expected());
    }
  }

  @Test
  void timeWaitReportsTheTimeLeftAndListenItsQueues() throws Exception {
    try (ChannelWorkload w = new ChannelWorkload(StandardProtocolFamily.INET)) {
      awaitSettled(w);
      List<SocketRow> rows = rows(w::owns);
      assertThat(rows).filteredOn(r -> r.state == TcpState.TIME_WAIT.code())
          .hasSize(ChannelWorkload.CLIENT_TW_TO_A + ChannelWorkload.CLIENT_TW_TO_B + 1)
          .allSatisfy(r -> {
            assertThat(r.expiresMs).isPositive().isLessThanOrEqualTo(60_000);
            assertThat(r.inode).as("a TIME_WAIT minisock has no inode").isZero();
          });
      int portB = ChannelWorkload.port(w.b);
      assertThat(rows).filteredOn(r -> r.state == TcpState.LISTEN.code() && r.localPort == portB)
          .singleElement().satisfies(r -> {
            assertThat(r.rxQueue).as("accept queue").isEqualTo(1);
            assertThat(r.txQueue).as("backlog").isEqualTo(ChannelWorkload.BACKLOG);
            assertThat(r.inode).isPositive();
          });
      assertThat(rows).allSatisfy(r -> assertThat(r.cookie).isNotZero());
    }
  }

  @Test
  void theCookieOutlivesTheCloseIntoTimeWait() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
      server.bind(new InetSocketAddress("127.0.0.1", 0));
      SocketChannel client = SocketChannel.open(StandardProtocolFamily.INET);
      client.connect(server.getLocalAddress());
      int clientPort = ((InetSocketAddress) client.getLocalAddress()).getPort();
      int serverPort = ((InetSocketAddress) server.getLocalAddress()).getPort();
      // both ports: a TIME_WAIT of another connection may hold the same local port to another
      // peer (the port allocator reuses a port for a different destination at once)
      Predicate<SocketRow> theClient = r -> r.family == SocketRow.AF_INET
          && r.localPort == clientPort && r.remotePort == serverPort;
      SocketChannel accepted = server.accept();
      long cookie = rows(theClient).getFirst().cookie;

      client.close();
      assertThat(accepted.read(ByteBuffer.allocate(1))).isEqualTo(-1);
      accepted.close();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(rows(theClient)).singleElement().satisfies(r -> {
            assertThat(r.state).isEqualTo(TcpState.TIME_WAIT.code());
            assertThat(r.cookie).isEqualTo(cookie);
          }));
    }
  }

  @Test
  void stateMaskIsAppliedByTheKernel() throws Exception {
    try (ChannelWorkload w = new ChannelWorkload(StandardProtocolFamily.INET6)) {
      awaitSettled(w);
      List<Integer> states = new ArrayList<>();
      netlink.dump(TcpState.LISTEN.maskBit() | TcpState.CLOSE_WAIT.maskBit(), r -> {
        if (w.owns(r)) {
          states.add(r.state);
        }
      });
      assertThat(states).containsExactlyInAnyOrder(10, 10, 8);
    }
  }

  @Test
  void dumpsRepeatOnTheSameSocketAndStopAfterClose() throws Exception {
    assertThat(netlink.name()).isEqualTo("netlink");
    long first = netlink.dump(TcpState.ALL_STATES, r -> {});
    for (int i = 0; i < 50; i++) {
      netlink.dump(TcpState.ALL_STATES, r -> {});
    }
    assertThat(netlink.dump(0, r -> {})).isZero();
    assertThat(first).isPositive(); // at least the surefire fork's own sockets
    netlink.close();
    assertThatThrownBy(() -> netlink.dump(TcpState.ALL_STATES, r -> {}))
        .hasMessage("netlink: source is closed");
  }

  @Test
  void closeDuringADumpWaitsForItToFinish() throws Exception {
    try (ChannelWorkload w = new ChannelWorkload(StandardProtocolFamily.INET)) {
      var inSink = new java.util.concurrent.CountDownLatch(1);
      var closed = new java.util.concurrent.CountDownLatch(1);
      var dump = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return netlink.dump(TcpState.ALL_STATES, r -> {
            inSink.countDown();
            try {
              closed.await(); // the sampler's thread is still reading when shutdown closes
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      inSink.await();
      netlink.close(); // returns at once: the running dump releases the native memory
      closed.countDown();
      assertThat(dump.get()).isGreaterThanOrEqualTo(ChannelWorkload.PAIRS * 2);
      assertThatThrownBy(() -> netlink.dump(TcpState.ALL_STATES, r -> {}))
          .hasMessage("netlink: source is closed");
    }
  }

  @Test
  void aSinkThatThrowsLeavesTheSourceUsable() throws Exception {
    try (ChannelWorkload w = new ChannelWorkload(StandardProtocolFamily.INET)) {
      assertThatThrownBy(() -> netlink.dump(TcpState.ALL_STATES, r -> {
        throw new IllegalStateException("sink failed");
      })).hasMessage("sink failed");
      // the unread rest of that reply is gone with the old socket: the next dumps are complete
      awaitSettled(w);
    }
  }

  /**
   * Netlink's and ss's per-state counts equal each other and the workload's. Sockets are told
   * apart by local address and both ports: on a shared test machine other processes listen on
   * the same port numbers at other addresses, and TIME_WAIT from earlier runs lingers.
   */
  private void assertAgreesWithSs(Predicate<SocketRow> owns, BiPredicate<String, String> ownsSs,
      Map<TcpState, Integer> expected) {
    // the last ACKs cross loopback asynchronously: wait until the states settle, then compare
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Map<TcpState, Integer> fromNetlink = netlinkCounts(owns, expected);
      Map<TcpState, Integer> fromSs = SsCounts.countLines("-a", ownsSs);
      assertThat(fromSs).as("ss -Htan").isEqualTo(fromNetlink);
    });
  }

  /** Waits until the workload's last ACKs have crossed loopback and its states are settled. */
  private void awaitSettled(ChannelWorkload w) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        netlinkCounts(w::owns, ChannelWorkload.expected()));
  }

  /** Per-state counts from netlink, asserted equal to {@code expected}; the message lists rows. */
  private Map<TcpState, Integer> netlinkCounts(Predicate<SocketRow> owns,
      Map<TcpState, Integer> expected) throws Exception {
    Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
    StringBuilder seen = new StringBuilder();
    netlink.dump(TcpState.ALL_STATES, r -> {
      if (owns.test(r)) {
        counts.merge(r.tcpState(), 1, Integer::sum);
        seen.append(String.format("%n  %s %x:%x:%d -> %x:%x:%d inode %d", r.tcpState(),
            r.localHi, r.localLo, r.localPort, r.remoteHi, r.remoteLo, r.remotePort, r.inode));
      }
    });
    assertThat(counts).as("netlink rows:" + seen).isEqualTo(expected);
    return counts;
  }

  /** Copies of the rows the predicate selects. */
  private List<SocketRow> rows(Predicate<SocketRow> owns) throws Exception {
    List<SocketRow> out = new ArrayList<>();
    netlink.dump(TcpState.ALL_STATES, r -> {
      if (owns.test(r)) {
        out.add(copy(r));
      }
    });
    return out;
  }

  private static SocketRow copy(SocketRow r) {
    SocketRow c = new SocketRow();
    c.family = r.family;
    c.state = r.state;
    c.localHi = r.localHi;
    c.localLo = r.localLo;
    c.localPort = r.localPort;
    c.remoteHi = r.remoteHi;
    c.remoteLo = r.remoteLo;
    c.remotePort = r.remotePort;
    c.rxQueue = r.rxQueue;
    c.txQueue = r.txQueue;
    c.expiresMs = r.expiresMs;
    c.inode = r.inode;
    c.uid = r.uid;
    c.cookie = r.cookie;
    return c;
  }
}
