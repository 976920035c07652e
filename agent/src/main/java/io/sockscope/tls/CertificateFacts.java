package io.sockscope.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.DSAKey;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/** What one presented certificate says about itself: an immutable value, no crypto objects. */
public record CertificateFacts(
    String subject,
    String issuer,
    String serial,
    String fingerprintSha256,
    Instant notBefore,
    Instant notAfter,
    List<String> dnsNames,
    List<String> ipAddresses,
    boolean selfSigned) {

  public CertificateFacts {
    dnsNames = List.copyOf(dnsNames);
    ipAddresses = List.copyOf(ipAddresses);
  }

  public static CertificateFacts of(X509Certificate c) {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      var sans = c.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add((String) san.get(1));
          } else if (type == 7) {
            ips.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // an unparsable SAN extension is reported as no SANs; verification then fails on the name
    }
    return new CertificateFacts(
        c.getSubjectX500Principal().getName(X500Principal.RFC2253),
        c.getIssuerX500Principal().getName(X500Principal.RFC2253),
        c.getSerialNumber().toString(16),
        sha256(c),
        c.getNotBefore().toInstant(),
        c.getNotAfter().toInstant(),
        dns,
        ips,
        c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
  }

  /** Key size in bits: RSA/DSA modulus, EC field size; 0 when unknown (e.g. Ed25519 is fixed). */
  static int keyBits(PublicKey key) {
    return switch (key) {
      case RSAKey r -> r.getModulus().bitLength();
      case DSAKey d -> d.getParams() == null ? 0 : d.getParams().getP().bitLength();
      case ECKey e -> e.getParams().getCurve().getField().getFieldSize();
      default -> 0;
    };
  }

  /** Lower-case hex SHA-256 of the DER: the one spelling of a fingerprint (stored vs served). */
  public static String sha256(X509Certificate c) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }
}
