package io.sockscope.peers;

import java.util.Optional;

/**
 * Names remote IPs after the Service behind them ({@code service.namespace}); the {@code peer}
 * label of the socket metrics. Each call reads one immutable snapshot, so it is cheap and safe
 * from any thread.
 */
public interface PeerNames {
  /** The name of {@code ip} (an IPv4 or IPv6 literal), or empty when unknown or not a literal. */
  Optional<String> nameOf(String ip);

  /** Knows no names: {@code kubernetes.peerNames: false}, or no Kubernetes. */
  PeerNames NONE = ip -> Optional.empty();
}
