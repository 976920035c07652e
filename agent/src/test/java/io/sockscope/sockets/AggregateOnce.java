package io.sockscope.sockets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * For bench/dump-cost (test sources only): one tier-1 pass as the sampler does it, a dump folded
 * by {@link SocketAggregator} into a snapshot, reaching the package-private fold from outside.
 */
public final class AggregateOnce {
  private final SocketAggregator aggregator = new SocketAggregator(new CloseTracker());
  private final EphemeralPorts ports;

  public AggregateOnce() throws IOException {
    ports = EphemeralPorts.read(Path.of("/proc"));
  }

  /** Dumps every state from {@code source} into the aggregator; returns the sockets seen. */
  public long run(SocketSource source) throws IOException {
    aggregator.begin(System.nanoTime() / 1_000_000_000L, ports, source.reportsListenLimit());
    long n = source.dump(TcpState.ALL_STATES, aggregator);
    aggregator.endDump();
    aggregator.build(source.name(), 0, PeerNamer.IP, 20);
    return n;
  }
}
