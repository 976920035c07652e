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

  LoopbackWorkload() throws IOException {
    InetAddress lo = InetAddress.getLoopbackAddress();
    a = new ServerSocket(0, 50, lo);
    b = new ServerSocket(0, 50, lo);
    for (int i = 0; i < ESTABLISHED_PAIRS; i++) {
      open.add(new Socket(lo, a.getLocalPort()));
      open.add(a.accept());
    }
    for (int i = 0; i < CLIENT_TW_TO_A; i++) {
      clientClosesFirst(a);
    }
    for (int i = 0; i < CLIENT_TW_TO_B; i++) {
      clientClosesFirst(b);
    }
    for (int i = 0; i < SERVER_TW_ON_A; i++) {
      Socket c = new Socket(lo, a.getLocalPort());
      Socket s = a.accept();
      s.close();
      c.getInputStream().read(); // EOF: the server's FIN arrived
      c.close();
    }
    for (int i = 0; i < CLOSE_WAIT_ON_B; i++) {
      Socket c = new Socket(lo, b.getLocalPort());
      Socket s = b.accept();
      c.close(); // the server never closes: CLOSE_WAIT (and the client waits in FIN_WAIT2)
      open.add(s);
    }
    waitForFins();
  }

  private static void clientClosesFirst(ServerSocket server) throws IOException {
    Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
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

  /** Ports this workload owns: a socket belongs to it when its local or remote port is one. */
  boolean owns(int localPort, int remotePort) {
    int pa = a.getLocalPort();
    int pb = b.getLocalPort();
    return localPort == pa || localPort == pb || remotePort == pa || remotePort == pb;
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
