package io.sockscope.sockets;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A known set of real sockets on loopback: two listeners (A, B), ESTABLISHED pairs, client-side
 * TIME_WAIT toward both, server-side TIME_WAIT, CLOSE_WAIT. {@link #expected()} is the ground truth.
 */
final class LoopbackWorkload implements AutoCloseable {
  static final int ESTABLISHED_PAIRS = 3;
  static final int CLIENT_TW_TO_A = 4;
  static final int CLIENT_TW_TO_B = 2;
  static final int SERVER_TW_ON_A = 2;
  static final int CLOSE_WAIT_ON_B = 2;

  final ServerSocket a;
  final ServerSocket b;
  private final List<Socket> open = new ArrayList<>();
  private final java.util.Set<Integer> clientPorts = new java.util.HashSet<>();

  LoopbackWorkload() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    a = new ServerSocket(0, 50, lo);
    b = new ServerSocket(0, 50, lo);
    for (int i = 0; i < ESTABLISHED_PAIRS; i++) {
      open.add(connect(a));
      open.add(a.accept());
    }
    for (int i = 0; i < CLIENT_TW_TO_A; i++) {
      clientClosesFirst(a);
    }
    for (int i = 0; i < CLIENT_TW_TO_B; i++) {
      clientClosesFirst(b);
    }
    for (int i = 0; i < SERVER_TW_ON_A; i++) {
      Socket c = connect(a);
      Socket s = a.accept();
      s.close();
      c.getInputStream().read(); // EOF: the server's FIN arrived
      c.close();
    }
    for (int i = 0; i < CLOSE_WAIT_ON_B; i++) {
      Socket c = connect(b);
      Socket s = b.accept();
      c.close(); // the server never closes: CLOSE_WAIT (and the client waits in FIN_WAIT2)
      open.add(s);
    }
    waitForFins();
  }

  private Socket connect(ServerSocket server) throws IOException {
    Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    clientPorts.add(c.getLocalPort());
    return c;
  }

  private void clientClosesFirst(ServerSocket server) throws IOException {
    Socket c = connect(server);
    Socket s = server.accept();
    c.close();
    s.getInputStream().read(); // EOF
    s.close();
  }

  private static void waitForFins() {
    try {
      Thread.sleep(200); // let the last ACKs cross loopback
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A socket belongs to this workload when one port is a listener's and the other is 0 (the
   * listener itself) or a client port the workload opened. The listener port alone is not enough:
   * a TIME_WAIT left by an earlier run may hold the port number a listener now has.
   */
  boolean owns(int localPort, int remotePort) {
    int pa = a.getLocalPort();
    int pb = b.getLocalPort();
    boolean localListener = localPort == pa || localPort == pb;
    boolean remoteListener = remotePort == pa || remotePort == pb;
    return localListener && (remotePort == 0 || clientPorts.contains(remotePort))
        || remoteListener && clientPorts.contains(localPort);
  }

  static Map<TcpState, Integer> expected() {
    Map<TcpState, Integer> m = new EnumMap<>(TcpState.class);
    m.put(TcpState.LISTEN, 2);
    m.put(TcpState.ESTABLISHED, ESTABLISHED_PAIRS * 2);
    m.put(TcpState.TIME_WAIT, CLIENT_TW_TO_A + CLIENT_TW_TO_B + SERVER_TW_ON_A);
    m.put(TcpState.CLOSE_WAIT, CLOSE_WAIT_ON_B);
    m.put(TcpState.FIN_WAIT2, CLOSE_WAIT_ON_B);
    return m;
  }

  InetSocketAddress addressA() {
    return (InetSocketAddress) a.getLocalSocketAddress();
  }

  @Override
  public void close() throws IOException {
    for (Socket s : open) {
      s.close();
    }
    a.close();
    b.close();
  }
}
