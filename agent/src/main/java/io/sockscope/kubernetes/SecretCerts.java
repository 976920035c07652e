package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.sockscope.tls.CertificateFacts;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the leaf of {@code tls.crt} with the JDK's X.509 factory, and strips everything but the
 * certificates from a Secret before anything keeps it (private keys, passwords, annotations).
 */
final class SecretCerts {
  static final String TLS_TYPE = "kubernetes.io/tls";
  static final String OPAQUE_TYPE = "Opaque";
  static final String CERT_KEY = "tls.crt";
  static final String OWNER = TargetRules.OWNER;
  /** Names the data key that holds the keystore password (docs/kubernetes.md). */
  static final String PASSWORD_KEY = "sockscope.io/keystore-password-key";
  static final String DEFAULT_PASSWORD_KEY = "password";

  private SecretCerts() {}

  /**
   * Leaves only the certificates: each data key that holds some (PEM, DER, PKCS#12, JKS) is
   * replaced by the PEM of its certificates; private keys, passwords and other keys go, and so do
   * the annotations (kubectl apply copies the whole object, key included, into
   * {@code last-applied-configuration}) except {@code sockscope.io/owner}. Returns the same object
   * for the informer cache.
   */
  static Secret stripped(Secret secret) {
    var meta = secret.getMetadata();
    Map<String, byte[]> entries = new TreeMap<>();
    if (secret.getData() != null) {
      secret.getData().forEach((k, v) -> {
        try {
          entries.put(k, v == null ? null : Base64.getMimeDecoder().decode(v));
        } catch (IllegalArgumentException e) {
          entries.put(k, null); // not base64: no certificate in it
        }
      });
    }
    char[] password = password(meta.getAnnotations(), entries);
    Map<String, String> data = new HashMap<>();
    try {
      CertificateData.certificatesOnly("secret " + meta.getNamespace() + "/" + meta.getName(),
          entries, password).forEach((k, pem) ->
              data.put(k, Base64.getEncoder().encodeToString(CertificateData.utf8(pem))));
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
      entries.values().forEach(b -> {
        if (b != null) {
          Arrays.fill(b, (byte) 0);
        }
      });
    }
    secret.setData(data);
    secret.setStringData(null);
    String owner = meta.getAnnotations() == null ? null : meta.getAnnotations().get(OWNER);
    meta.setAnnotations(owner == null ? null : Map.of(OWNER, owner));
    meta.setManagedFields(null);
    return secret;
  }

  /**
   * The keystore password: the data key named by {@code sockscope.io/keystore-password-key}, else
   * the key {@code password}; null when there is none.
   */
  private static char[] password(Map<String, String> annotations, Map<String, byte[]> entries) {
    String key = annotations == null ? null : annotations.get(PASSWORD_KEY);
    byte[] raw = entries.get(key == null ? DEFAULT_PASSWORD_KEY : key.trim());
    if (raw == null) {
      return null;
    }
    String text = new String(raw, StandardCharsets.UTF_8).strip();
    return text.toCharArray();
  }

  /** The leaf certificate of {@code tls.crt}: the first certificate, by the format's convention. */
  static SecretCert parse(Secret secret) throws CertificateException {
    String encoded = secret.getData() == null ? null : secret.getData().get(CERT_KEY);
    if (encoded == null || encoded.isBlank()) {
      throw new CertificateException("no " + CERT_KEY);
    }
    byte[] pem;
    try {
      pem = Base64.getMimeDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      throw new CertificateException(CERT_KEY + " is not base64");
    }
    var certs = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem));
    if (certs.isEmpty()) {
      throw new CertificateException("no certificate in " + CERT_KEY);
    }
    X509Certificate leaf = (X509Certificate) certs.iterator().next();
    return new SecretCert(secret.getMetadata().getNamespace(), secret.getMetadata().getName(),
        leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(), CertificateFacts.sha256(leaf),
        leaf.getSubjectX500Principal().getName());
  }

  /** "AB:CD:..." or "abcd..." → "abcd...". */
  static String normalizeFingerprint(String fingerprint) {
    return fingerprint.replace(":", "").trim().toLowerCase(java.util.Locale.ROOT);
  }
}
