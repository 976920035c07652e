package io.sockscope.tls;

import java.util.List;
import java.util.Locale;

/**
 * Where a probe target came from: the {@code source} label of the TLS metrics, one spelling each.
 */
public enum ProbeSource {
  /** {@code tls.targets} in the configuration and {@code --tls-target} flags. */
  STATIC,
  /** Endpoints the pod holds client connections to (the socket sampler). */
  PEER,
  /** A Service port found by Kubernetes discovery. */
  SERVICE,
  /** An Ingress TLS host found by Kubernetes discovery. */
  INGRESS,
  /** One ready endpoint (pod) of a discovered Service, probed beside the Service address. */
  BACKEND,
  /** A one-off probe through {@code /probe}; never scheduled. */
  ADHOC;

  /**
   * The sources the scheduler holds targets for (pre-initialised in {@code
   * sockscope_discovery_targets}).
   */
  public static final List<ProbeSource> SCHEDULED =
      List.of(STATIC, PEER, SERVICE, INGRESS, BACKEND);

  /**
   * The label value: {@code static}, {@code peer}, {@code service}, {@code ingress}, {@code
   * backend}, {@code adhoc}.
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
