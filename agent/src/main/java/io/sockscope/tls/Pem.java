package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/** PEM files: certificate bundles and unencrypted PKCS#8 private keys. */
final class Pem {
  private static final Pattern PKCS8 =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

  private Pem() {}

  static List<X509Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
    }
  }

  /** Reads a {@code BEGIN PRIVATE KEY} block; the algorithm is found by trying the usual ones. */
  static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    var m = PKCS8.matcher(Files.readString(file));
    if (!m.find()) {
      throw new GeneralSecurityException(file + ": no PKCS#8 'BEGIN PRIVATE KEY' block");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
      try {
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm: try the next
      }
    }
    throw new GeneralSecurityException(file + ": unsupported private key algorithm");
  }
}
