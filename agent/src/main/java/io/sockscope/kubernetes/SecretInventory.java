package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.sockscope.util.RateLimitedLog;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.cert.CertificateException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Leaf certificates of the namespace's TLS Secrets, as an immutable snapshot per change. */
public final class SecretInventory {
  private static final Logger logger = System.getLogger(SecretInventory.class.getName());
  private final RateLimitedLog log = RateLimitedLog.perMinute(logger);
  private final Map<String, SecretCert> byName = new HashMap<>();
  private volatile Map<String, SecretCert> snapshot = Map.of();

  synchronized void put(Secret secret) {
    String name = secret.getMetadata().getName();
    if (!SecretCerts.TLS_TYPE.equals(secret.getType())) {
      byName.remove(name); // the field selector already filters; a type never changes, but be safe
    } else {
      try {
        byName.put(name, SecretCerts.parse(secret));
      } catch (CertificateException | RuntimeException e) {
        byName.remove(name);
        // Only the certificate's parse error: the message never quotes Secret data.
        log.log(Level.WARNING, "secret " + name, "kubernetes: Secret "
            + secret.getMetadata().getNamespace() + "/" + name + ": tls.crt unreadable ("
            + e.getClass().getSimpleName() + "); no inventory series for it");
      }
    }
    snapshot = Map.copyOf(byName);
  }

  synchronized void remove(Secret secret) {
    byName.remove(secret.getMetadata().getName());
    snapshot = Map.copyOf(byName);
  }

  /** The certificate of Secret {@code name} in the watched namespace. */
  public Optional<SecretCert> get(String name) {
    return Optional.ofNullable(snapshot.get(name));
  }

  /** Every parsed Secret, sorted by name. */
  public List<SecretCert> all() {
    return snapshot.values().stream().sorted(Comparator.comparing(SecretCert::secret)).toList();
  }
}
