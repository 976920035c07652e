package io.sockscope.kubernetes;

import java.util.Locale;

/** Where a discovered TLS target came from; the {@code source} label of the TLS metrics. */
public enum TargetSource {
  SERVICE,
  INGRESS,
  /** One ready endpoint of a Service's EndpointSlices, probed beside the Service address. */
  BACKEND;

  /** The label value: {@code service}, {@code ingress}, {@code backend}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
