package io.sockscope.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates of exact dates for tests (BouncyCastle builds, the JDK reads). */
final class TestCa {
  /** Truncated to seconds: X.509 times have no finer precision. */
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private static final AtomicLong SERIAL = new AtomicLong(1000);

  record Issued(X509Certificate cert, KeyPair keys, List<X509Certificate> chain) {
    Path pem(Path dir, String name) throws Exception {
      return TestCa.writePem(dir.resolve(name + ".crt"), chain.toArray(X509Certificate[]::new));
    }

    Path keyPem(Path dir, String name) throws Exception {
      return TestCa.writeKey(dir.resolve(name + ".key"), keys.getPrivate());
    }
  }

  private TestCa() {}

  static Instant days(long d) {
    return NOW.plus(Duration.ofDays(d));
  }

  static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  static KeyPair rsa(int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(bits);
    return g.generateKeyPair();
  }

  static Issued root(String cn) throws Exception {
    KeyPair k = ec();
    X509Certificate c =
        build(
            cn, cn, k, k.getPrivate(), days(-365), days(3650), true, List.of(), "SHA256withECDSA");
    return new Issued(c, k, List.of(c));
  }

  static Issued intermediate(Issued issuer, String cn) throws Exception {
    KeyPair k = ec();
    X509Certificate c =
        build(
            cn,
            subject(issuer),
            k,
            issuer.keys().getPrivate(),
            days(-300),
            days(1000),
            true,
            List.of(),
            sigFor(issuer));
    return new Issued(c, k, withChain(c, issuer));
  }

  /** A leaf for {@code names} (DNS names or IP literals), valid between the two instants. */
  static Issued leaf(Issued issuer, Instant notBefore, Instant notAfter, String... names)
      throws Exception {
    return leaf(issuer, ec(), notBefore, notAfter, sigFor(issuer), names);
  }

  static Issued leaf(
      Issued issuer, KeyPair k, Instant nb, Instant na, String sigAlg, String... names)
      throws Exception {
    X509Certificate c =
        build(
            "leaf " + SERIAL.get(),
            subject(issuer),
            k,
            issuer.keys().getPrivate(),
            nb,
            na,
            false,
            List.of(names),
            sigAlg);
    return new Issued(c, k, withChain(c, issuer));
  }

  static Issued selfSigned(Instant nb, Instant na, String... names) throws Exception {
    KeyPair k = ec();
    X509Certificate c =
        build("self", "self", k, k.getPrivate(), nb, na, false, List.of(names), "SHA256withECDSA");
    return new Issued(c, k, List.of(c));
  }

  private static String subject(Issued i) {
    return i.cert().getSubjectX500Principal().getName().replaceFirst("^CN=", "");
  }

  private static String sigFor(Issued issuer) {
    return issuer.keys().getPrivate().getAlgorithm().equals("RSA")
        ? "SHA256withRSA"
        : "SHA256withECDSA";
  }

  /**
   * The chain a server sends: this certificate and the issuer's chain minus any self-signed root.
   */
  private static List<X509Certificate> withChain(X509Certificate c, Issued issuer) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(c);
    issuer.chain().stream()
        .filter(x -> !x.getSubjectX500Principal().equals(x.getIssuerX500Principal()))
        .forEach(chain::add);
    return List.copyOf(chain);
  }

  private static X509Certificate build(
      String cn,
      String issuerCn,
      KeyPair k,
      PrivateKey signer,
      Instant nb,
      Instant na,
      boolean ca,
      List<String> names,
      String sigAlg)
      throws Exception {
    var b =
        new JcaX509v3CertificateBuilder(
            new X500Name("CN=" + issuerCn),
            BigInteger.valueOf(SERIAL.incrementAndGet()),
            Date.from(nb),
            Date.from(na),
            new X500Name("CN=" + cn),
            k.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    }
    if (!names.isEmpty()) {
      GeneralName[] gn =
          names.stream()
              .map(
                  n ->
                      n.matches("[0-9.]+|.*:.*")
                          ? new GeneralName(
                              GeneralName.iPAddress, InetAddress.ofLiteral(n).getHostAddress())
                          : new GeneralName(GeneralName.dNSName, n))
              .toArray(GeneralName[]::new);
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gn));
    }
    var signerObj = new JcaContentSignerBuilder(sigAlg).build(signer);
    return new JcaX509CertificateConverter().getCertificate(b.build(signerObj));
  }

  static Path writePem(Path file, X509Certificate... certs) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : certs) {
      sb.append("-----BEGIN CERTIFICATE-----\n")
          .append(Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(c.getEncoded()))
          .append("\n-----END CERTIFICATE-----\n");
    }
    return Files.writeString(file, sb);
  }

  static Path writeKey(Path file, PrivateKey key) throws Exception {
    return Files.writeString(
        file,
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
  }
}
