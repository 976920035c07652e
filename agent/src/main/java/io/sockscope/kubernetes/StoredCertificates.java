package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.sockscope.tls.CertificateFile;
import io.sockscope.tls.CertificateFacts;
import io.sockscope.tls.SecretFingerprints;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every certificate stored in the namespace's Secrets and ConfigMaps, each of a bundle or keystore
 * on its own (a CA bundle's certificates expire one by one), and the owners of those objects.
 * Objects arrive already stripped to their certificates (PEM per key). Readers get an immutable
 * snapshot, bounded by {@code max}: the rest is counted, not exported.
 */
public final class StoredCertificates {
  private static final Comparator<StoredCert> ORDER = Comparator.comparing(StoredCert::kind)
      .thenComparing(StoredCert::name).thenComparing(StoredCert::key)
      .thenComparingInt(StoredCert::index);

  /** The snapshot: certificates within the cap, how many were cut, owners by object. */
  public record Snapshot(List<StoredCert> certificates, int cut, Map<String, String> secretOwners) {
    static final Snapshot EMPTY = new Snapshot(List.of(), 0, Map.of());
  }

  private final int max;
  private final Map<String, List<StoredCert>> byObject = new HashMap<>();
  private final Map<String, String> secretOwners = new HashMap<>();
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  private volatile SecretFingerprints secretLeaves = SecretFingerprints.EMPTY;
  private volatile Runnable onChange = () -> {};

  StoredCertificates(int max) {
    this.max = max;
  }

  synchronized void put(Secret s) {
    Map<String, String> pem = new HashMap<>();
    if (s.getData() != null) {
      s.getData().forEach((k, v) -> {
        try {
          pem.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | NullPointerException e) {
          // stripped data is always base64 PEM; skip anything else
        }
      });
    }
    String owner = owner(s);
    if (owner == null) {
      secretOwners.remove(s.getMetadata().getName());
    } else {
      secretOwners.put(s.getMetadata().getName(), owner);
    }
    replace(StoredKind.SECRET, s, pem);
  }

  synchronized void put(ConfigMap c) {
    replace(StoredKind.CONFIGMAP, c, c.getData() == null ? Map.of() : c.getData());
  }

  synchronized void remove(Secret s) {
    secretOwners.remove(s.getMetadata().getName());
    replace(StoredKind.SECRET, s, Map.of());
  }

  synchronized void remove(ConfigMap c) {
    replace(StoredKind.CONFIGMAP, c, Map.of());
  }

  private void replace(StoredKind kind, HasMetadata o, Map<String, String> pemByKey) {
    var meta = o.getMetadata();
    List<StoredCert> certs = new ArrayList<>();
    pemByKey.forEach((key, pem) -> {
      try {
        List<X509Certificate> list = CertificateFile.pem(pem);
        for (int i = 0; i < list.size(); i++) {
          X509Certificate c = list.get(i);
          certs.add(new StoredCert(meta.getNamespace(), kind, meta.getName(), key, i,
              c.getNotBefore().toInstant(), c.getNotAfter().toInstant(), CertificateFacts.sha256(c),
              c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
              c.getSerialNumber().toString(16)));
        }
      } catch (GeneralSecurityException e) {
        // the store wrote this PEM itself from parsed certificates: cannot happen
      }
    });
    String k = kind.label() + "/" + meta.getName();
    if (certs.isEmpty()) {
      byObject.remove(k);
    } else {
      byObject.put(k, certs);
    }
    List<StoredCert> all = byObject.values().stream().flatMap(List::stream).sorted(ORDER).toList();
    int kept = Math.min(max, all.size());
    snapshot = new Snapshot(List.copyOf(all.subList(0, kept)), all.size() - kept,
        Map.copyOf(secretOwners));
    // Not capped here: what is published for the sidecars has its own cap (SecretFingerprints).
    SecretFingerprints leaves = SecretFingerprints.of(all.stream()
        .filter(c -> c.kind() == StoredKind.SECRET && c.index() == 0)
        .map(c -> new SecretFingerprints.Leaf(c.name(), c.key(), c.fingerprintSha256(), c.notAfter()))
        .toList());
    if (!leaves.equals(secretLeaves)) {
      secretLeaves = leaves;
      onChange.run();
    }
  }

  /** The leaf of every Secret key (TLS and Opaque), what the sidecars compare their files with. */
  public SecretFingerprints secretLeaves() {
    return secretLeaves;
  }

  /** Called (on an informer thread; must be quick) when {@link #secretLeaves()} changes. */
  void onSecretLeavesChange(Runnable r) {
    onChange = r;
  }

  private static String owner(HasMetadata o) {
    var a = o.getMetadata().getAnnotations();
    String owner = a == null ? null : a.get(TargetRules.OWNER);
    return owner == null || owner.isBlank() ? null : owner.trim();
  }

  public Snapshot snapshot() {
    return snapshot;
  }
}
