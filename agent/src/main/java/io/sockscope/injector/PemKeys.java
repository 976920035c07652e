package io.sockscope.injector;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and keys without a crypto library. Helm's {@code genSignedCert} writes PKCS#1
 * ({@code RSA PRIVATE KEY}), which the JDK cannot read, so it is wrapped into PKCS#8 here
 * (RFC 5208: PrivateKeyInfo = SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption, OCTET
 * STRING pkcs1 }). cert-manager is told to write PKCS#8 directly.
 */
final class PemKeys {
  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");
  /** DER of AlgorithmIdentifier { 1.2.840.113549.1.1.1 (rsaEncryption), NULL }. */
  private static final byte[] RSA_ALGORITHM = {
    0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
    0x01, 0x05, 0x00
  };

  private PemKeys() {}

  static List<Certificate> certificates(String pem) throws GeneralSecurityException {
    var factory = CertificateFactory.getInstance("X.509");
    var certs = factory.generateCertificates(new ByteArrayInputStream(pem.getBytes()));
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in PEM");
    }
    return List.copyOf(certs);
  }

  static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    Matcher m = BLOCK.matcher(pem);
    if (!m.find()) {
      throw new GeneralSecurityException("no PEM block in key file");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(2));
    return switch (m.group(1)) {
      case "PRIVATE KEY" -> pkcs8(der);
      case "RSA PRIVATE KEY" -> KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(wrapRsa(der)));
      default -> throw new GeneralSecurityException(
          "unsupported key type '" + m.group(1) + "' (use PKCS#8 PRIVATE KEY or RSA PRIVATE KEY)");
    };
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    var spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  static byte[] wrapRsa(byte[] pkcs1) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00}); // version 0
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(length(pkcs1.length));
    body.writeBytes(pkcs1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(length(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  /** DER definite length. */
  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
    byte[] out = new byte[bytes + 1];
    out[0] = (byte) (0x80 | bytes);
    for (int i = bytes; i > 0; i--) {
      out[i] = (byte) n;
      n >>>= 8;
    }
    return out;
  }
}
