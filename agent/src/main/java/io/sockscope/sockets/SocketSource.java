package io.sockscope.sockets;

import java.io.IOException;

/**
 * Where the sockets of the current network namespace come from: netlink sock_diag or procfs.
 * Both walk the node-wide hash tables, so a dump costs in proportion to the node's sockets.
 */
public interface SocketSource extends AutoCloseable {

  /**
   * Streams the TCP sockets (IPv4 then IPv6) whose state is in {@code stateMask} (bits {@code 1 <<
   * TcpState.code()}) to {@code sink}. A family the kernel lacks (no IPv6) is skipped silently.
   *
   * @return the number of sockets delivered
   * @throws IOException when the source cannot be read or its data is malformed; the message names
   *     the file and line or the netlink message
   */
  long dump(int stateMask, SocketSink sink) throws IOException;

  /**
   * Whether a LISTEN row's {@code txQueue} is the accept-queue limit: sock_diag reports the
   * backlog there, {@code /proc/net/tcp} does not show it at all.
   */
  default boolean reportsListenLimit() {
    return false;
  }

  /** {@code netlink} or {@code procfs}: the label value of {@code source} in self-metrics. */
  String name();

  @Override
  default void close() {}
}
