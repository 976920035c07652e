package io.sockscope.demo;

import io.sockscope.util.Der;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Certificates for the demo, made with the JDK alone (no BouncyCastle at run time): a small DER
 * writer and ECDSA P-256 keys. Dates are exact so the dashboards show known lifetimes.
 */
final class DemoCertificates {
  private static final String ECDSA_SHA256 = "1.2.840.10045.4.3.2";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A certificate with its key. */
  record Issued(X509Certificate certificate, PrivateKey key) {
    String pem() {
      try {
        return "-----BEGIN CERTIFICATE-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
            + "\n-----END CERTIFICATE-----\n";
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private DemoCertificates() {}

  static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  /** A self-signed CA. */
  static Issued ca(String cn, Instant notBefore, Instant notAfter) throws GeneralSecurityException {
    KeyPair kp = keyPair();
    byte[] name = name(cn);
    byte[] ext = Der.context(3, true, Der.seq(
        Der.seq(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(Der.seq(Der.bool(true)))),
        Der.seq(Der.oid("2.5.29.15"), Der.bool(true), Der.octets(Der.tlv(0x03, new byte[] {1, 0x06})))));
    return new Issued(sign(name, name, kp.getPublic().getEncoded(), notBefore, notAfter, ext, kp.getPrivate()), kp.getPrivate());
  }

  /** A leaf for {@code dnsNames} and {@code ips}, signed by {@code issuer}. */
  static Issued leaf(Issued issuer, String cn, List<String> dnsNames, List<InetAddress> ips,
      Instant notBefore, Instant notAfter) throws GeneralSecurityException {
    KeyPair kp = keyPair();
    byte[][] sans = new byte[dnsNames.size() + ips.size()][];
    int i = 0;
    for (String d : dnsNames) {
      sans[i++] = Der.tlv(0x82, d.getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // dNSName [2]
    }
    for (InetAddress ip : ips) {
      sans[i++] = Der.tlv(0x87, ip.getAddress()); // iPAddress [7]
    }
    byte[] ext = Der.context(3, true, Der.seq(
        Der.seq(Der.oid("2.5.29.17"), Der.octets(Der.seq(sans))),
        Der.seq(Der.oid("2.5.29.37"), Der.octets(Der.seq(Der.oid("1.3.6.1.5.5.7.3.1"))))));
    byte[] issuerName = Der.tlv(0x30, subjectOf(issuer.certificate()));
    return new Issued(sign(issuerName, name(cn), kp.getPublic().getEncoded(), notBefore, notAfter, ext, issuer.key()), kp.getPrivate());
  }

  private static byte[] subjectOf(X509Certificate c) {
    byte[] enc = c.getSubjectX500Principal().getEncoded(); // a full SEQUENCE; strip its header
    int off = (enc[1] & 0x80) == 0 ? 2 : 2 + (enc[1] & 0x7F);
    return java.util.Arrays.copyOfRange(enc, off, enc.length);
  }

  private static byte[] name(String cn) {
    return Der.seq(Der.set(Der.seq(Der.oid("2.5.4.3"), Der.utf8(cn))));
  }

  private static X509Certificate sign(byte[] issuer, byte[] subject, byte[] spki, Instant notBefore,
      Instant notAfter, byte[] extensions, PrivateKey signer) throws GeneralSecurityException {
    byte[] alg = Der.seq(Der.oid(ECDSA_SHA256));
    byte[] tbs = Der.seq(
        Der.context(0, true, Der.integer(BigInteger.TWO)), // v3
        Der.integer(new BigInteger(63, RANDOM).add(BigInteger.ONE)),
        alg, issuer, Der.seq(Der.time(notBefore), Der.time(notAfter)), subject, spki, extensions);
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(signer);
    s.update(tbs);
    byte[] cert = Der.seq(tbs, alg, Der.bits(s.sign()));
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(cert));
  }
}
