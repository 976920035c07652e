package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What every real-server STARTTLS test shares: one test CA, a good and an expired leaf for
 * {@code db.test} of exact dates, a prober trusting the CA, and the three verdicts each protocol
 * must reach (good certificate, expired certificate, server without TLS).
 */
final class StartTlsCase {
  static final String NAME = "db.test";
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final TestCa.Issued ROOT;
  static final TestCa.Issued GOOD;
  static final TestCa.Issued EXPIRED;
  static final TlsProber PROBER;

  static {
    try {
      ROOT = TestCa.root("StartTLS Test Root");
      // RSA leaf keys: GnuTLS (Exim, slapd) and OpenSSL (Dovecot) cannot read the JDK's PKCS#8
      // encoding of an EC key, which leaves out the curve parameters of the inner ECPrivateKey
      GOOD = TestCa.leaf(ROOT, TestCa.rsa(2048), days(-1), days(30), "SHA256withECDSA", NAME);
      EXPIRED = TestCa.leaf(ROOT, TestCa.rsa(2048), days(-90), days(-2), "SHA256withECDSA", NAME);
      PROBER = new TlsProber(TrustAnchors.of(List.of(ROOT.cert())), Clock.systemUTC());
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private StartTlsCase() {}

  /** Writes {@code dir/cert.pem} (the served chain) and {@code dir/key.pem} (PKCS#8, mode 0600). */
  static void writeCertificate(TestCa.Issued leaf, Path dir) throws Exception {
    TestCa.writePem(dir.resolve("cert.pem"), leaf.chain().toArray(java.security.cert.X509Certificate[]::new));
    Path key = TestCa.writeKey(dir.resolve("key.pem"), leaf.keys().getPrivate());
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
  }

  static ProbeResult probe(int port, ProbeProtocol protocol) {
    ProbeTarget t = ProbeTarget.of("127.0.0.1", port, NAME, ProbeSource.STATIC).withProtocol(protocol);
    ProbeResult r = PROBER.probe(t, TIMEOUT);
    System.out.printf("%s %s: %s/%s starttls %s handshake %s%n", protocol.label(), port,
        r.failureStage(), r.failureReason(), ms(r.starttlsDuration()), ms(r.handshakeDuration()));
    return r;
  }

  private static String ms(Duration d) {
    return d == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
  }

  /** Upgraded, verified, and the served leaf is the one written for the server. */
  static void assertGood(ProbeResult r) {
    assertThat(r.success()).as(String.valueOf(r)).isTrue();
    assertThat(r.starttlsDuration()).isPositive();
    assertThat(r.handshakeDuration()).isPositive();
    assertThat(r.leaf().orElseThrow().fingerprintSha256()).isEqualTo(CertificateFacts.sha256(GOOD.cert()));
    assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(30));
    assertThat(r.tlsVersion()).startsWith("TLSv1.");
  }

  /** Upgraded and handshaken, verification says expired, and every fact is still there. */
  static void assertExpired(ProbeResult r) {
    assertThat(r.failureStage()).as(String.valueOf(r)).isEqualTo(FailureStage.VERIFY);
    assertThat(r.failureReason()).isEqualTo(FailureReason.EXPIRED);
    assertThat(r.verifyReasons()).containsExactly(VerifyReason.EXPIRED);
    assertThat(r.leaf().orElseThrow().fingerprintSha256()).isEqualTo(CertificateFacts.sha256(EXPIRED.cert()));
    assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(-2));
    assertThat(r.leaf().orElseThrow().notBefore()).isEqualTo(days(-90));
  }

  /** The server said no TLS: a reason of its own at the starttls stage, not a timeout. */
  static void assertRefused(ProbeResult r) {
    assertThat(r.failureStage()).as(String.valueOf(r)).isEqualTo(FailureStage.STARTTLS);
    assertThat(r.failureReason()).as(r.detail()).isEqualTo(FailureReason.STARTTLS_REFUSED);
    assertThat(r.chain()).isEmpty();
    assertThat(r.handshakeDuration()).isNull();
  }

  /** The server spoke another protocol. */
  static void assertGarbage(ProbeResult r) {
    assertThat(r.failureStage()).as(String.valueOf(r)).isEqualTo(FailureStage.STARTTLS);
    assertThat(r.failureReason()).as(r.detail()).isEqualTo(FailureReason.PROTOCOL_ERROR);
  }
}
