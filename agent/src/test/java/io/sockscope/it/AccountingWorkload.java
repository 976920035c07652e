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
 * A workload of known truth for close accounting, run as its own process in a network namespace.
 * Every connection is sequential and lives well under a millisecond unless said otherwise, so no
 * dump can see it: only destroy events and the kernel's counters can account for it.
 *
 * <pre>
 * peer &lt;bindIp&gt;   servers: 7101 reads to EOF then closes; 7102 closes at once; 7103 holds each
 *                  connection HOLD_MS then closes; 7104 aborts at once (SO_LINGER 0: RST);
 *                  7105 reads to EOF. On a line from stdin, clients toward the pod: SERVER_LOCAL
 *                  to 8101 (read to EOF, close), SERVER_PEER to 8102 (close at once),
 *                  SERVER_RESET to 8103 (one byte each way, then abort with SO_LINGER 0).
 * pod &lt;peerIp&gt;    servers: 8101 writes a byte and closes first; 8102 reads to EOF then closes;
 *                  8103 reads until the reset. Clients: LOCAL_CLIENT to 7101 closed at once
 *                  (the pod closes first); PEER_CLIENT to 7102 closed on EOF; HELD to 7103, of
 *                  which LEAKED are never closed (CLOSE_WAIT); RESET_CLIENT to 7104 (reset by the
 *                  peer); CLIENT_ABORT to 7105 closed with SO_LINGER 0 (the pod resets).
 * </pre>
 */
public final class AccountingWorkload {
  public static final int LOCAL_CLIENT = 2000;
  public static final int PEER_CLIENT = 2000;
  public static final int HELD = 40;
  public static final int LEAKED = 10;
  public static final int HOLD_MS = 1500;
  public static final int RESET_CLIENT = 50;
  public static final int CLIENT_ABORT = 30;
  public static final int SERVER_LOCAL = 150;
  public static final int SERVER_PEER = 200;
  public static final int SERVER_RESET = 40;

  private AccountingWorkload() {}

  public static void main(String[] args) throws Exception {
    List<Socket> keep = new ArrayList<>();
    if (args[0].equals("peer")) {
      String bind = args[1];
      String pod = args[2];
      serve(bind, 7101, s -> { drain(s); s.close(); });
      serve(bind, 7102, Socket::close);
      serve(bind, 7103, s -> { sleep(HOLD_MS); s.close(); });
      serve(bind, 7104, s -> { s.setSoLinger(true, 0); s.close(); });
      serve(bind, 7105, s -> { drain(s); s.close(); });
      say("ready");
      System.in.read();
      for (int i = 0; i < SERVER_LOCAL; i++) {
        try (Socket c = new Socket(pod, 8101)) {
          drain(c);
        }
      }
      for (int i = 0; i < SERVER_PEER; i++) {
        new Socket(pod, 8102).close();
      }
      for (int i = 0; i < SERVER_RESET; i++) {
        Socket c = new Socket(pod, 8103);
        c.getOutputStream().write('a');
        c.getInputStream().read(); // the pod accepted and answered: its socket is established
        c.setSoLinger(true, 0);
        c.close();
      }
    } else {
      String peer = args[1];
      serve("0.0.0.0", 8101, s -> { s.getOutputStream().write('x'); s.close(); });
      serve("0.0.0.0", 8102, s -> { drain(s); s.close(); });
      serve("0.0.0.0", 8103, s -> {
        try (s) {
          s.getInputStream().read();
          s.getOutputStream().write('k');
          drain(s);
        }
      });
      say("ready");
      for (int i = 0; i < LOCAL_CLIENT; i++) {
        new Socket(peer, 7101).close();
      }
      for (int i = 0; i < PEER_CLIENT; i++) {
        try (Socket c = new Socket(peer, 7102)) {
          drain(c);
        }
      }
      for (int i = 0; i < RESET_CLIENT; i++) {
        try (Socket c = new Socket(peer, 7104)) {
          drain(c);
        } catch (IOException expected) {
          // connection reset
        }
      }
      for (int i = 0; i < CLIENT_ABORT; i++) {
        Socket c = new Socket(peer, 7105);
        c.setSoLinger(true, 0);
        c.close();
      }
      CountDownLatch eof = new CountDownLatch(HELD);
      for (int i = 0; i < HELD; i++) {
        Socket c = new Socket(peer, 7103);
        boolean leak = i < LEAKED;
        keep.add(c);
        Thread.ofVirtual().start(() -> {
          try {
            drain(c);
            if (!leak) {
              c.close();
            }
          } catch (IOException ignored) {
            // the test's counts tell
          }
          eof.countDown();
        });
      }
      eof.await();
    }
    say("done");
    System.in.read(); // keep the process (and its leaked sockets) until the test ends
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  interface Handler {
    void handle(Socket s) throws IOException;
  }

  static void serve(String bind, int port, Handler h) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(bind, port), 1024);
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

  static void drain(Socket s) throws IOException {
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
}
