package io.sockscope.kubernetes;

import java.util.Locale;

/** Which kind of object stores a certificate; the {@code kind} label of the stored-cert series. */
public enum StoredKind {
  SECRET,
  CONFIGMAP;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
