package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.sockscope.tls.CertificateFacts;
import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the leaf of {@code tls.crt} with the JDK's X.509 factory, and strips everything else from
 * a Secret before anything keeps it: the private key, other data keys, and the annotations (kubectl
 * apply copies the whole object, key included, into {@code last-applied-configuration}).
 */
final class SecretCerts {
  static final String TLS_TYPE = "kubernetes.io/tls";
  static final String CERT_KEY = "tls.crt";

  private SecretCerts() {}

  /** Leaves only {@code tls.crt}; returns the same object for the informer cache. */
  static Secret stripped(Secret secret) {
    Map<String, String> data = new HashMap<>();
    if (secret.getData() != null && secret.getData().get(CERT_KEY) != null) {
      data.put(CERT_KEY, secret.getData().get(CERT_KEY));
    }
    secret.setData(data);
    secret.setStringData(null);
    secret.getMetadata().setAnnotations(null);
    secret.getMetadata().setManagedFields(null);
    return secret;
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
