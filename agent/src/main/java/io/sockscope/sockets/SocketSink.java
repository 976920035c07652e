package io.sockscope.sockets;

/** Receives the sockets of a dump one by one; the row is reused after the call returns. */
@FunctionalInterface
public interface SocketSink {
  void accept(SocketRow row);
}
