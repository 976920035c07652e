package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The endpoints the aggregator reports for peer-derived TLS targets, from hand-made rows. */
class SocketAggregatorTest {
  private final SocketAggregator aggregator = new SocketAggregator(new CloseTracker());
  private int nextLocalPort = 40_000;

  private static long v4(int a, int b, int c, int d) {
    return (long) a << 24 | b << 16 | c << 8 | d;
  }

  private void socket(int family, long hi, long lo, int remotePort, TcpState state, int localPort) {
    SocketRow row = new SocketRow();
    row.family = family;
    row.state = state.code();
    row.localLo = family == SocketRow.AF_INET ? v4(10, 244, 0, 2) : 2;
    row.localPort = localPort;
    row.remoteHi = hi;
    row.remoteLo = lo;
    row.remotePort = remotePort;
    aggregator.accept(row);
  }

  private void client(long ip, int port, TcpState state) {
    socket(SocketRow.AF_INET, 0, ip, port, state, nextLocalPort++);
  }

  private List<String> dump(Runnable sockets) {
    aggregator.begin(1, EphemeralPorts.LINUX_DEFAULT);
    sockets.run();
    aggregator.endDump();
    return aggregator.build("test", 0, PeerNamer.IP, 20).clientEndpoints();
  }

  @Test
  void establishedClientConnectionsToWatchedPortsOncePerDestination() {
    aggregator.watchPorts(Set.of(443, 8443));
    List<String> endpoints = dump(() -> {
      for (int i = 0; i < 3; i++) {
        client(v4(10, 0, 0, 5), 443, TcpState.ESTABLISHED); // a pool: one endpoint
      }
      client(v4(10, 0, 0, 6), 443, TcpState.TIME_WAIT); // closed: not a live peer
      client(v4(10, 0, 0, 5), 80, TcpState.ESTABLISHED); // not a watched port
      client(v4(10, 0, 0, 7), 8443, TcpState.ESTABLISHED);
      socket(SocketRow.AF_INET6, 0xfd00_0000_0000_0000L, 7, 443, TcpState.ESTABLISHED, nextLocalPort++);
      // This pod's own server on 443: its peer is a client of ours, not a TLS target.
      socket(SocketRow.AF_INET, 0, v4(10, 0, 0, 9), 51_000, TcpState.LISTEN, 443);
      socket(SocketRow.AF_INET, 0, v4(10, 0, 0, 9), 51_000, TcpState.ESTABLISHED, 443);
    });
    assertThat(endpoints).containsExactly("10.0.0.5:443", "10.0.0.7:8443", "[fd00::7]:443");
  }

  @Test
  void noWatchedPortsNoEndpoints() {
    assertThat(dump(() -> client(v4(10, 0, 0, 5), 443, TcpState.ESTABLISHED))).isEmpty();
  }

  @Test
  void atMostMaxEndpointsTheFirstInOrder() {
    aggregator.watchPorts(Set.of(443));
    List<String> endpoints = dump(() -> {
      for (int i = 0; i < SocketAggregator.MAX_ENDPOINTS + 44; i++) {
        client(v4(10, 1, i / 256, i % 256), 443, TcpState.ESTABLISHED);
      }
    });
    List<String> all = new ArrayList<>();
    for (int i = 0; i < SocketAggregator.MAX_ENDPOINTS + 44; i++) {
      all.add("10.1." + i / 256 + "." + i % 256 + ":443");
    }
    assertThat(endpoints).isEqualTo(all.stream().sorted().limit(SocketAggregator.MAX_ENDPOINTS).toList());
  }
}
