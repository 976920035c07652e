package io.sockscope.sockets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Real loopback sockets of one address family (NIO channels choose it: java.net.Socket would make
 * IPv4-mapped AF_INET6 sockets on a dual-stack host). Two listeners A and B with backlog {@link
 * #BACKLOG}; ESTABLISHED pairs; client TIME_WAIT toward A and B; a server-side TIME_WAIT on A; a
 * CLOSE_WAIT on B (its client in FIN_WAIT2); one connection left in B's accept queue.
 */
final class ChannelWorkload implements AutoCloseable {
  static final int BACKLOG = 7;
  static final int PAIRS = 2;
  static final int CLIENT_TW_TO_A = 2;
  static final int CLIENT_TW_TO_B = 1;

  final ProtocolFamily family;
  final InetAddress loopback;
  final ServerSocketChannel a;
  final ServerSocketChannel b;
  private final List<SocketChannel> open = new ArrayList<>();
  private final java.util.Set<Integer> ports = new java.util.HashSet<>();
  private final java.util.Set<Integer> listenerPorts = new java.util.HashSet<>();

  ChannelWorkload(ProtocolFamily family) throws IOException {
    this.family = family;
    boolean v6 = family == StandardProtocolFamily.INET6;
    this.loopback = InetAddress.getByName(v6 ? "::1" : "127.0.0.1");
    a = listen();
    b = listen();
    for (int i = 0; i < PAIRS; i++) {
      open.add(connect(a));
      open.add(a.accept());
    }
    for (int i = 0; i < CLIENT_TW_TO_A; i++) {
      closeFirst(connect(a), a.accept());
    }
    for (int i = 0; i < CLIENT_TW_TO_B; i++) {
      closeFirst(connect(b), b.accept());
    }
    SocketChannel client = connect(a);
    closeFirst(a.accept(), client); // the server closes first: TIME_WAIT on A's port
    SocketChannel leaked = connect(b);
    open.add(b.accept());
    leaked.close(); // the accepted side never closes: CLOSE_WAIT, the client in FIN_WAIT2
    open.add(connect(b)); // never accepted: waits in B's accept queue
  }

  private ServerSocketChannel listen() throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open(family);
    s.bind(new InetSocketAddress(loopback, 0), BACKLOG);
    ports.add(port(s));
    listenerPorts.add(port(s));
    return s;
  }

  private SocketChannel connect(ServerSocketChannel server) throws IOException {
    SocketChannel c = SocketChannel.open(family);
    c.connect(new InetSocketAddress(loopback, port(server)));
    ports.add(((InetSocketAddress) c.getLocalAddress()).getPort());
    return c;
  }

  /** {@code first} sends the first FIN; {@code second} reads it and closes. */
  private static void closeFirst(SocketChannel first, SocketChannel second) throws IOException {
    first.close();
    if (second.read(ByteBuffer.allocate(1)) != -1) {
      throw new IOException("expected EOF");
    }
    second.close();
  }

  static int port(ServerSocketChannel s) throws IOException {
    return ((InetSocketAddress) s.getLocalAddress()).getPort();
  }

  /**
   * True for this workload's sockets: its listeners, and sockets whose two ports are both its
   * own. One port alone is not enough: a TIME_WAIT left by an earlier run may hold the number a
   * listener now has, and another process may listen on a port a client here once used.
   */
  boolean owns(int localPort, int remotePort) {
    return remotePort == 0
        ? listenerPorts.contains(localPort)
        : ports.contains(localPort) && ports.contains(remotePort);
  }

  /** This workload's socket: its family's loopback address locally, and its ports. */
  boolean owns(SocketRow r) {
    boolean v6 = family == StandardProtocolFamily.INET6;
    boolean loopbackLocal = v6
        ? r.family == SocketRow.AF_INET6 && r.localHi == 0 && r.localLo == 1
        : r.family == SocketRow.AF_INET && r.localLo == 0x7F000001L;
    return loopbackLocal && owns(r.localPort, r.remotePort);
  }

  /** The same for the local and peer columns of an {@code ss -tan} line. */
  boolean ownsSs(String local, String peer) {
    String prefix = family == StandardProtocolFamily.INET6 ? "[::1]:" : "127.0.0.1:";
    return local.startsWith(prefix) && owns(SsCounts.port(local), SsCounts.port(peer));
  }

  static Map<TcpState, Integer> expected() {
    Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
    m.put(TcpState.LISTEN, 2);
    m.put(TcpState.ESTABLISHED, PAIRS * 2 + 2); // + the queued connection, both ends
    m.put(TcpState.TIME_WAIT, CLIENT_TW_TO_A + CLIENT_TW_TO_B + 1);
    m.put(TcpState.CLOSE_WAIT, 1);
    m.put(TcpState.FIN_WAIT2, 1);
    return m;
  }

  @Override
  public void close() throws IOException {
    for (SocketChannel c : open) {
      c.close();
    }
    a.close();
    b.close();
  }
}
