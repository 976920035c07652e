package io.sockscope.kubernetes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Served vs stored across the backends of a Secret: how many backends serve the Secret's current
 * leaf, how many serve another, how many were not seen serving yet. "2 of 3 replicas serve the new
 * certificate" is the rotated-but-not-reloaded outage that a probe of the Service address hides.
 *
 * @param secret the TLS Secret (Service annotation {@code sockscope.io/tls-secret})
 * @param current backends whose last presented leaf is the Secret's
 * @param other backends that presented another leaf, by target id, each with its pod
 * @param unknown backends not probed yet or that never presented a certificate
 */
public record BackendParity(
    String namespace, String secret, int current, Map<String, String> other, int unknown) {

  /** Total backends of the Secret. */
  public int total() {
    return current + other.size() + unknown;
  }

  /** One entry per Secret in the inventory that backend targets name, sorted by Secret. */
  public static List<BackendParity> of(
      List<DiscoveredTarget> targets, SecretInventory inventory, ServedCertificates served) {
    Map<String, int[]> counts = new TreeMap<>(); // secret -> {current, unknown}
    Map<String, Map<String, String>> others = new TreeMap<>();
    Map<String, String> namespaces = new TreeMap<>();
    for (DiscoveredTarget t : targets) {
      if (t.backend() == null || t.secretName() == null) {
        continue;
      }
      Optional<SecretCert> stored = inventory.get(t.secretName());
      if (stored.isEmpty()) {
        continue; // unknown Secret: nothing to compare with
      }
      String s = t.secretName();
      namespaces.putIfAbsent(s, t.namespace());
      int[] c = counts.computeIfAbsent(s, k -> new int[2]);
      Map<String, String> o = others.computeIfAbsent(s, k -> new TreeMap<>());
      Optional<String> fingerprint = served.servedFingerprint(t.id());
      if (fingerprint.isEmpty()) {
        c[1]++;
      } else if (SecretCerts.normalizeFingerprint(fingerprint.get())
          .equals(stored.get().fingerprintSha256())) {
        c[0]++;
      } else {
        o.put(t.id(), t.backend().pod());
      }
    }
    List<BackendParity> out = new ArrayList<>();
    counts.forEach((s, c) -> out.add(new BackendParity(
        namespaces.get(s), s, c[0], Map.copyOf(others.get(s)), c[1])));
    return List.copyOf(out);
  }
}
