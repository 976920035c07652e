package io.sockscope.tls;

import java.util.Locale;
import java.util.Objects;

/**
 * Which of the three views of a pod's certificate is the odd one out: the file the pod mounts, the
 * Secret it comes from, what the pod serves on localhost (docs/sidecar.md, "Certificate files").
 * The {@code differs} label of {@code sockscope_tls_certificate_file_parity}; a closed set.
 */
public enum Differs {
  /** All compared views hold the same leaf. */
  NONE,
  /**
   * The file is not the leaf the Secret holds and the pod serves; without a port: the file is not
   * the Secret's leaf.
   */
  FILE,
  /**
   * The Secret moved on; the file and the served leaf still agree on the old one: a {@code subPath}
   * mount (never updated) or a file copied at start-up.
   */
  SECRET,
  /** The file is the Secret's leaf but the pod serves another: the application never reloaded. */
  SERVED,
  /** Three different leaves. */
  ALL,
  /** A compared view is not known now: file unreadable, Secret not published, port not serving. */
  UNKNOWN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Compares the leaves' fingerprints; null = that view is not known now.
   *
   * @param servedCompared false when no port is configured: then only the file and the Secret
   */
  public static Differs of(String file, String secret, String served, boolean servedCompared) {
    if (file == null || secret == null || (servedCompared && served == null)) {
      return UNKNOWN;
    }
    if (!servedCompared) {
      return file.equals(secret) ? NONE : FILE;
    }
    boolean fs = file.equals(secret);
    boolean fv = file.equals(served);
    boolean sv = Objects.equals(secret, served);
    if (fs && fv) {
      return NONE;
    }
    if (fs) {
      return SERVED;
    }
    if (fv) {
      return SECRET;
    }
    return sv ? FILE : ALL;
  }
}
