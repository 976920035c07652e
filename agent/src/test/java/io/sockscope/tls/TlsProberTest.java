package io.sockscope.tls;

import static io.sockscope.tls.TestCa.NOW;
import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsProberTest {
  static TestCa.Issued root;
  static TestCa.Issued intermediate;
  static TlsProber prober;
  static final Duration TIMEOUT = Duration.ofSeconds(2);

  /** RFC 6761: .invalid never resolves; answered here without asking any DNS server. */
  static InetAddress resolve(String host) throws UnknownHostException {
    if (host.endsWith(".invalid")) {
      throw new UnknownHostException(host);
    }
    return InetAddress.getByName(host);
  }

  @BeforeAll
  static void ca(@TempDir Path dir) throws Exception {
    root = TestCa.root("Test Root");
    intermediate = TestCa.intermediate(root, "Test Intermediate");
    TrustAnchors anchors = TrustAnchors.load(List.of(root.pem(dir, "root")), null);
    prober = new TlsProber(anchors, Clock.systemUTC(), TlsProberTest::resolve);
  }

  @AfterAll
  static void stop() {
    prober.close();
  }

  static ProbeResult probe(TestTlsServer s) {
    return prober.probe(ProbeTarget.of("127.0.0.1", s.port(), "app.test", ProbeSource.STATIC), TIMEOUT);
  }

  @Test
  void validChainSucceedsWithEveryFact() throws Exception {
    var leaf = TestCa.leaf(intermediate, days(-10), days(80), "app.test");
    try (var s = TestTlsServer.serving(leaf).start()) {
      ProbeResult r = probe(s);
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.failureStage()).isNull();
      assertThat(r.verifyReasons()).isEmpty();
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(80));
      assertThat(r.leaf().orElseThrow().notBefore()).isEqualTo(days(-10));
      assertThat(r.leaf().orElseThrow().dnsNames()).containsExactly("app.test");
      assertThat(r.leaf().orElseThrow().fingerprintSha256())
          .isEqualTo(CertificateFacts.sha256(leaf.cert()));
      assertThat(r.chain()).hasSize(2);
      assertThat(r.chainNotAfter()).contains(days(80));
      assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
      assertThat(r.cipher()).startsWith("TLS_");
      assertThat(r.connectDuration()).isPositive();
      assertThat(r.handshakeDuration()).isPositive();
    }
  }

  @Test
  void expiringInThreeDaysStillSucceeds() throws Exception {
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(-87), days(3), "app.test")).start()) {
      ProbeResult r = probe(s);
      assertThat(r.success()).isTrue();
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(3));
    }
  }

  @Test
  void expiredIsVerifyFailureWithFacts() throws Exception {
    Instant notAfter = NOW.minusSeconds(3600);
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(-90), notAfter, "app.test")).start()) {
      ProbeResult r = probe(s);
      assertFailed(r, FailureStage.VERIFY, FailureReason.EXPIRED);
      assertThat(r.verifyReasons()).containsExactly(VerifyReason.EXPIRED);
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(notAfter);
      assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
    }
  }

  @Test
  void notYetValid() throws Exception {
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(2), days(92), "app.test")).start()) {
      ProbeResult r = probe(s);
      assertFailed(r, FailureStage.VERIFY, FailureReason.NOT_YET_VALID);
      assertThat(r.verifyReasons()).containsExactly(VerifyReason.NOT_YET_VALID);
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(92));
      assertThat(r.leaf().orElseThrow().notBefore()).isEqualTo(days(2));
    }
  }

  @Test
  void wrongHostName() throws Exception {
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(-1), days(30), "other.test"))
            .start()) {
      ProbeResult r = probe(s);
      assertFailed(r, FailureStage.VERIFY, FailureReason.HOSTNAME_MISMATCH);
      assertThat(r.verifyReasons()).containsExactly(VerifyReason.HOSTNAME_MISMATCH);
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(30));
    }
  }

  @Test
  void ipTargetMatchesIpSanAndSendsNoSni() throws Exception {
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(-1), days(30), "127.0.0.1")).start()) {
      ProbeResult r = prober.probe(ProbeTarget.of("127.0.0.1", s.port(), null, ProbeSource.STATIC), TIMEOUT);
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.leaf().orElseThrow().ipAddresses()).containsExactly("127.0.0.1");
    }
  }

  @Test
  void selfSignedIsUntrusted() throws Exception {
    try (var s = TestTlsServer.serving(TestCa.selfSigned(days(-1), days(45), "app.test")).start()) {
      ProbeResult r = probe(s);
      assertFailed(r, FailureStage.VERIFY, FailureReason.UNTRUSTED);
      assertThat(r.verifyReasons()).containsExactly(VerifyReason.UNTRUSTED);
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(45));
      assertThat(r.leaf().orElseThrow().selfSigned()).isTrue();
      assertThat(r.chainNotAfter()).contains(days(45));
    }
  }

  @Test
  void missingIntermediateIsIncompleteNotUntrusted() throws Exception {
    var leaf = TestCa.leaf(intermediate, days(-1), days(60), "app.test");
    try (var s = TestTlsServer.serving(leaf).chain(List.of(leaf.cert())).start()) {
      ProbeResult r = probe(s);
      assertFailed(r, FailureStage.VERIFY, FailureReason.INCOMPLETE_CHAIN);
      assertThat(r.verifyReasons()).containsExactly(VerifyReason.INCOMPLETE_CHAIN);
      assertThat(r.chain()).hasSize(1);
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(60));
    }
  }

  @Test
  void servedRootDoesNotCountForChainExpiry() throws Exception {
    var leaf = TestCa.leaf(intermediate, days(-1), days(60), "app.test");
    var served = List.of(leaf.cert(), intermediate.cert(), root.cert());
    try (var s = TestTlsServer.serving(leaf).chain(served).start()) {
      ProbeResult r = probe(s);
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.chain()).hasSize(3);
      // intermediate ends at days(1000), root at days(3650): the leaf is the earliest non-root
      assertThat(r.chainNotAfter()).contains(days(60));
    }
  }

  @Test
  void tls12Only() throws Exception {
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(-1), days(20), "app.test"))
            .protocols("TLSv1.2")
            .start()) {
      ProbeResult r = probe(s);
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.tlsVersion()).isEqualTo("TLSv1.2");
      assertThat(r.cipher()).startsWith("TLS_ECDHE_ECDSA_");
      assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(days(20));
    }
  }

  @Test
  void clientCertificateRequiredStillRecordsChain() throws Exception {
    for (String version : List.of("TLSv1.3", "TLSv1.2")) {
      try (var s =
          TestTlsServer.serving(TestCa.leaf(intermediate, days(-1), days(25), "app.test"))
              .protocols(version)
              .needClientAuth(root.cert())
              .start()) {
        ProbeResult r = probe(s);
        assertFailed(r, FailureStage.HANDSHAKE, FailureReason.CLIENT_CERT_REQUIRED);
        assertThat(r.leaf().orElseThrow().notAfter()).as(version).isEqualTo(days(25));
      }
    }
  }

  @Test
  void clientCertificateIsPresentedAndItsExpiryReported(@TempDir Path dir) throws Exception {
    var client = TestCa.leaf(root, days(-1), days(7), "client.test");
    try (var s =
        TestTlsServer.serving(TestCa.leaf(intermediate, days(-1), days(25), "app.test"))
            .needClientAuth(root.cert())
            .start()) {
      var t =
          new ProbeTarget(
              "127.0.0.1",
              s.port(),
              "app.test",
              null,
              List.of(),
              client.pem(dir, "c"),
              client.keyPem(dir, "c"),
              null,
              ProbeSource.STATIC);
      ProbeResult r = prober.probe(t, TIMEOUT);
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.clientCertNotAfter()).isEqualTo(days(7));
    }
  }

  @Test
  void tarpitTimesOutInHandshakeWithinTheTimeout() throws Exception {
    try (var s = TestTlsServer.tarpit()) {
      Duration timeout = Duration.ofMillis(500);
      long start = System.nanoTime();
      ProbeResult r =
          prober.probe(ProbeTarget.of("127.0.0.1", s.port(), "app.test", ProbeSource.STATIC), timeout);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertFailed(r, FailureStage.HANDSHAKE, FailureReason.TIMEOUT);
      assertThat(r.connectDuration()).isNotNull();
      assertThat(r.chain()).isEmpty();
      assertThat(took).isBetween(timeout.minusMillis(5), timeout.plusMillis(250));
    }
  }

  @Test
  void closedPortIsRefusedAtConnect() throws Exception {
    ProbeResult r =
        prober.probe(
            ProbeTarget.of("127.0.0.1", TestTlsServer.closedPort(), null, ProbeSource.STATIC), TIMEOUT);
    assertFailed(r, FailureStage.CONNECT, FailureReason.REFUSED);
    assertThat(r.connectDuration()).isNull();
    assertThat(r.leaf()).isEmpty();
  }

  @Test
  void unresolvableNameFailsAtResolve() {
    ProbeResult r =
        prober.probe(ProbeTarget.of("no-such-host.invalid", 443, null, ProbeSource.STATIC), TIMEOUT);
    assertFailed(r, FailureStage.RESOLVE, FailureReason.UNKNOWN_HOST);
  }

  @Test
  void aHangingResolverCountsAgainstTheOneTimeout() {
    TlsProber.Resolver hanging =
        host -> {
          try {
            Thread.sleep(10_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          throw new UnknownHostException(host);
        };
    try (var p = new TlsProber(TrustAnchors.of(List.of()), Clock.systemUTC(), hanging)) {
      long start = System.nanoTime();
      ProbeResult r =
          p.probe(ProbeTarget.of("slow.test", 443, null, ProbeSource.STATIC), Duration.ofMillis(300));
      assertFailed(r, FailureStage.RESOLVE, FailureReason.TIMEOUT);
      assertThat(r.stageReached()).isEqualTo(FailureStage.RESOLVE);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(800));
    }
  }

  @Test
  void weakKeyAndWeakSignature() throws Exception {
    var leaf =
        TestCa.leaf(
            intermediate, TestCa.rsa(1024), days(-1), days(30), "SHA1withECDSA", "app.test");
    try (var s = TestTlsServer.serving(leaf).protocols("TLSv1.2").start()) {
      ProbeResult r = probe(s);
      assertThat(r.verifyReasons())
          .as(String.valueOf(r))
          .isEqualTo(Set.of(VerifyReason.WEAK_KEY, VerifyReason.WEAK_SIGNATURE));
      assertFailed(r, FailureStage.VERIFY, FailureReason.WEAK_KEY);
    }
  }

  static void assertFailed(ProbeResult r, FailureStage stage, FailureReason reason) {
    assertThat(r.success()).as(String.valueOf(r)).isFalse();
    assertThat(r.failureStage()).as(String.valueOf(r)).isEqualTo(stage);
    assertThat(r.failureReason()).as(String.valueOf(r)).isEqualTo(reason);
  }
}
