package io.sockscope.kubernetes;

import io.sockscope.tls.ProbeSource;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * TLS targets discovered from Services and Ingresses of the watched namespace. Snapshots are
 * immutable lists sorted by source, then address, without duplicates.
 */
public interface KubernetesTargets {
  /** The current snapshot. */
  List<DiscoveredTarget> current();

  /**
   * Calls {@code listener} with the current snapshot now and with each new snapshot whenever the
   * set of targets changes. Calls come from informer threads, one at a time and in order; the
   * listener must be quick (swap a list, do not probe).
   */
  void onChange(Consumer<List<DiscoveredTarget>> listener);

  /** Targets per source in the current snapshot, every source present (0 when none). */
  Map<ProbeSource, Integer> counts();

  /** Backends left out by the per-Service cap (kubernetes.backendsPerService), now. */
  default int backendsCut() {
    return 0;
  }
}
