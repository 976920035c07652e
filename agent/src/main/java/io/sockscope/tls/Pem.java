package io.sockscope.tls;

import io.sockscope.util.Der;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
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

/**
 * PEM files: certificate bundles and unencrypted private keys, for the probes' client certificates
 * and the injector's serving certificate. Keys are PKCS#8 ({@code PRIVATE KEY}) or PKCS#1
 * ({@code RSA PRIVATE KEY}, what Helm's {@code genSignedCert} writes and the JDK cannot read, so it
 * is wrapped into PKCS#8: RFC 5208 PrivateKeyInfo = SEQUENCE { version 0, AlgorithmIdentifier
 * rsaEncryption, OCTET STRING pkcs1 }).
 */
public final class Pem {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
  /** DER of AlgorithmIdentifier { 1.2.840.113549.1.1.1 (rsaEncryption), NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00
  };

  private Pem() {}

  public static List<X509Certificate> certificates(Path file)
      throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
          .map(X509Certificate.class::cast)
          .toList();
    }
  }

  /**
   * Reads the first {@code ... PRIVATE KEY} block (a combined file may hold certificates too); a
   * PKCS#8 key's algorithm is found by trying the usual ones.
   */
  public static PrivateKey privateKey(Path file) throws IOException, GeneralSecurityException {
    var m = BLOCK.matcher(Files.readString(file));
    do {
      if (!m.find()) {
        throw new GeneralSecurityException(file + ": no PEM 'BEGIN PRIVATE KEY' block");
      }
    } while (!m.group(1).endsWith("PRIVATE KEY"));
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    return switch (m.group(1)) {
      case "PRIVATE KEY" -> pkcs8(file, der);
      case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA").generatePrivate(
          new PKCS8EncodedKeySpec(Der.seq(Der.integer(BigInteger.ZERO), RSA_ALGORITHM, Der.octets(der))));
      default -> throw new GeneralSecurityException(file + ": unsupported key block '" + m.group(1)
          + "' (use PKCS#8 PRIVATE KEY or RSA PRIVATE KEY)");
    };
  }

  private static PrivateKey pkcs8(Path file, byte[] der) throws GeneralSecurityException {
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
