package io.sockscope.kubernetes;

import java.util.Optional;

/**
 * What a target serves now, as the TLS prober last saw it. The lead implements it over the
 * prober's last result; tests implement it with a real handshake.
 */
@FunctionalInterface
public interface ServedCertificates {
  /**
   * SHA-256 fingerprint of the DER leaf certificate that {@code target} (a
   * {@link DiscoveredTarget#id()}, the prober's target id) presented in its last handshake: hex,
   * case and colons ignored. Empty when the target was not probed yet or the handshake did not get
   * a certificate. Called at scrape time, once per target with a Secret: a lookup of the last
   * result, never a handshake.
   */
  Optional<String> servedFingerprint(String target);

  ServedCertificates NONE = target -> Optional.empty();
}
