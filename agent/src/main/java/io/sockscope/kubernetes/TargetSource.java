package io.sockscope.kubernetes;

import java.util.Locale;

/** Where a discovered TLS target came from; the {@code source} label of the TLS metrics. */
public enum TargetSource {
  SERVICE,
  INGRESS;

  /** The label value: {@code service}, {@code ingress}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
