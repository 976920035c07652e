package io.sockscope.it;

import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * {@code N} client connections, each to a different destination, closed first by the client so
 * that each leaves a TIME_WAIT toward its own (ip, port): 127.0.0.0/8 is all loopback, so two
 * listeners on 0.0.0.0 answer 127.a.b.c on both ports, N distinct destinations in one namespace.
 * Prints "done N" (the connections made), then waits for stdin.
 */
public final class ManyDestinationsWorkload {
  static final int[] PORTS = {9001, 9002};

  private ManyDestinationsWorkload() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    for (int port : PORTS) {
      AccountingWorkload.serve("0.0.0.0", port, s -> { AccountingWorkload.drain(s); s.close(); });
    }
    int made = 0;
    for (int i = 0; i < n; i++) {
      int host = i / PORTS.length + 2; // 127.0.0.2 onwards
      String ip = "127." + (host >>> 16 & 0xFF) + "." + (host >>> 8 & 0xFF) + "." + (host & 0xFF);
      try (Socket c = new Socket()) {
        c.connect(new InetSocketAddress(ip, PORTS[i % PORTS.length]), 2000);
        made++;
      }
    }
    System.out.println("done " + made);
    System.out.flush();
    System.in.read();
  }
}
