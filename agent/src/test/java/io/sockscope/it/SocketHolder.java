package io.sockscope.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds {@code pairs} connected loopback TCP pairs (2 × pairs ESTABLISHED sockets) until stdin
 * closes: the socket population for the footprint test and {@code bench/footprint}. JDK only, one
 * file, so the bench runs it with the source launcher ({@code java SocketHolder.java 50000}).
 *
 * <p>Run it inside its own network namespace with {@code ulimit -n} above 2 × pairs and a wide
 * {@code net.ipv4.ip_local_port_range}: each client takes an ephemeral port per destination, so
 * the pairs are spread over {@link #LISTENERS} listening ports. Prints {@code ready N} with the
 * number of sockets held (listeners included).
 */
public final class SocketHolder {
  static final int LISTENERS = 4;
  /** Pairs one process may hold under a 20,000 open-files limit (two descriptors per pair). */
  public static final int MAX_PAIRS = 9000;

  private SocketHolder() {}

  public static void main(String[] args) throws IOException {
    int pairs = Integer.parseInt(args[0]);
    if (pairs > MAX_PAIRS) {
      throw new IllegalArgumentException("at most " + MAX_PAIRS + " pairs per process");
    }
    List<ServerSocketChannel> listeners = new ArrayList<>();
    for (int i = 0; i < LISTENERS; i++) {
      ServerSocketChannel l = ServerSocketChannel.open();
      l.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      l.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
      listeners.add(l);
    }
    List<SocketChannel> held = new ArrayList<>(2 * pairs);
    for (int i = 0; i < pairs; i++) {
      ServerSocketChannel l = listeners.get(i % LISTENERS);
      // A blocking connect on loopback completes from the backlog; accept right after keeps the
      // backlog empty, so no SYN is ever dropped.
      SocketChannel client = SocketChannel.open(l.getLocalAddress());
      held.add(client);
      held.add(l.accept());
    }
    System.out.println("ready " + (held.size() + listeners.size()));
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold until stdin closes
    }
  }
}
