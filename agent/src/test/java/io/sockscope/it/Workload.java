package io.sockscope.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The end-to-end workload, run as its own process inside a network namespace:
 *
 * <pre>
 * peer &lt;bindIp&gt; &lt;podIp&gt;   (namespace B) servers 7001/7002 close after the client; 7003 holds each
 *                            connection HOLD_MS then closes first; then a client makes
 *                            SERVER_TW connections to the pod's 8001.
 * pod &lt;peerIp&gt;             (namespace A) server 8001 closes first; clients: TW_7001 + TW_7002
 *                            connections it closes first; PEER_CLOSED to 7003 of which LEAKED are
 *                            never closed (CLOSE_WAIT) and the rest closed on EOF; UNSEEN to 7004,
 *                            which the peer closes at once: too short-lived for any dump to see.
 * </pre>
 *
 * Prints "ready" when listening and "done" when its part is over, then waits for stdin to close.
 */
public final class Workload {
  public static final int TW_7001 = 50;
  public static final int TW_7002 = 30;
  public static final int PEER_CLOSED = 20;
  public static final int LEAKED = 5;
  public static final int SERVER_TW = 10;
  public static final int HOLD_MS = 3000;
  /** Connections the peer closes at once and the pod closes on EOF: gone within milliseconds. */
  public static final int UNSEEN = 15;

  private Workload() {}

  public static void main(String[] args) throws Exception {
    List<Socket> keep = new ArrayList<>();
    if (args[0].equals("peer")) {
      String bind = args[1];
      serve(bind, 7001, s -> { drain(s); s.close(); });
      serve(bind, 7002, s -> { drain(s); s.close(); });
      serve(bind, 7003, s -> { sleep(HOLD_MS); s.close(); });
      serve(bind, 7004, Socket::close);
      System.out.println("ready");
      System.out.flush();
      waitLine(); // the pod workload tells us (through the test) to connect to its server
      for (int i = 0; i < SERVER_TW; i++) {
        try (Socket c = new Socket(args[2], 8001)) {
          drain(c); // the pod closes first
        }
      }
      System.out.println("done");
    } else {
      String peer = args[1];
      serve("0.0.0.0", 8001, s -> { s.getOutputStream().write('x'); s.close(); });
      System.out.println("ready");
      System.out.flush();
      for (int i = 0; i < TW_7001; i++) {
        clientClosesFirst(peer, 7001);
      }
      for (int i = 0; i < TW_7002; i++) {
        clientClosesFirst(peer, 7002);
      }
      for (int i = 0; i < UNSEEN; i++) {
        try (Socket c = new Socket(peer, 7004)) {
          drain(c);
        }
      }
      CountDownLatch eof = new CountDownLatch(PEER_CLOSED);
      for (int i = 0; i < PEER_CLOSED; i++) {
        Socket c = new Socket(peer, 7003);
        boolean leak = i < LEAKED;
        keep.add(c);
        Thread.ofVirtual().start(() -> {
          try {
            drain(c);
            if (!leak) {
              c.close(); // closes right after the peer's FIN: LAST_ACK, gone within ms
            }
          } catch (IOException ignored) {
            // reported by the test's counts
          }
          eof.countDown();
        });
      }
      eof.await();
      System.out.println("done");
    }
    System.out.flush();
    waitLine(); // keep the process (and its leaked sockets) alive until the test ends
  }

  interface Handler {
    void handle(Socket s) throws IOException;
  }

  private static void serve(String bind, int port, Handler h) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(bind, port), 200);
    Thread.ofVirtual().start(() -> {
      while (true) {
        try {
          Socket s = ss.accept();
          Thread.ofVirtual().start(() -> {
            try {
              h.handle(s);
            } catch (IOException ignored) {
              // the test counts what reached the kernel
            }
          });
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  private static void clientClosesFirst(String host, int port) throws IOException {
    Socket c = new Socket(host, port);
    c.close();
  }

  private static void drain(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    while (in.read() >= 0) {
      // until EOF
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitLine() throws IOException {
    System.in.read();
  }
}
