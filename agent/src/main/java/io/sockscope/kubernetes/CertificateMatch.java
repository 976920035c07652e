package io.sockscope.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored vs served: does {@code target} serve the leaf its Secret holds now? A renewed certificate
 * that sits in the Secret while the endpoint still serves the old one (a stale pod, an ingress
 * controller that did not reload) shows as {@code matches == false}.
 */
public record CertificateMatch(String target, String secret, boolean matches) {

  /**
   * One entry per target whose Secret is in the inventory and whose served leaf is known; a target
   * without either yields nothing (no series), because "unknown" is not "different".
   */
  public static List<CertificateMatch> of(
      List<DiscoveredTarget> targets, SecretInventory inventory, ServedCertificates served) {
    List<CertificateMatch> out = new ArrayList<>();
    for (DiscoveredTarget t : targets) {
      if (t.secretName() == null) {
        continue;
      }
      Optional<SecretCert> stored = inventory.get(t.secretName());
      if (stored.isEmpty()) {
        continue;
      }
      Optional<String> fingerprint = served.servedFingerprint(t.id());
      fingerprint.ifPresent(f -> out.add(new CertificateMatch(t.id(), t.secretName(),
          SecretCerts.normalizeFingerprint(f).equals(stored.get().fingerprintSha256()))));
    }
    return List.copyOf(out);
  }
}
