package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: chains of 16 or 61 certificates ended as {@code handshake: protocol_error} with no
 * certificate fact (JSSE refuses more than 10 by default). With {@link ChainLimit} at 64 (the
 * default of tls.maxChainLength; the test JVM gets the same properties from the build, since JSSE
 * reads them once per JVM) both are recorded in full, and a longer one fails with a reason that
 * names the limit. Real BouncyCastle chains served by a real JSSE server.
 */
class LongChainTest {
  static TestCa.Issued root;
  static TlsProber prober;

  @BeforeAll
  static void ca(@TempDir Path dir) throws Exception {
    root = TestCa.root("Long Root");
    prober =
        new TlsProber(TrustAnchors.load(List.of(root.pem(dir, "root")), null), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    prober.close();
  }

  /** A leaf under {@code served - 1} intermediates: the server presents {@code served} certs. */
  static TestCa.Issued leafUnder(int served) throws Exception {
    TestCa.Issued issuer = root;
    for (int i = 1; i < served; i++) {
      issuer = TestCa.intermediate(issuer, "Long CA " + i);
    }
    return TestCa.leaf(issuer, days(-1), days(40), "app.test");
  }

  static ProbeResult probe(TestCa.Issued leaf) throws Exception {
    try (var server = TestTlsServer.serving(leaf).start()) {
      return prober.probe(
          ProbeTarget.of("127.0.0.1", server.port(), "app.test", ProbeSource.STATIC), Duration.ofSeconds(10));
    }
  }

  @Test
  void sixteenCertificatesAreRecordedInFull() throws Exception {
    var leaf = leafUnder(16);
    assertThat(leaf.chain()).hasSize(16);
    ProbeResult r = probe(leaf);
    assertThat(r.chain()).as(r.toString()).hasSize(16);
    assertThat(r.leaf().orElseThrow().fingerprintSha256())
        .isEqualTo(CertificateFacts.sha256(leaf.cert()));
    assertThat(r.failureReason()).as(r.toString()).isNotIn(FailureReason.PROTOCOL_ERROR, FailureReason.CHAIN_TOO_LONG);
  }

  @Test
  void sixtyOneCertificatesAreRecordedInFull() throws Exception {
    var leaf = leafUnder(61);
    ProbeResult r = probe(leaf);
    assertThat(r.chain()).as(r.toString()).hasSize(61);
    assertThat(r.leaf().orElseThrow().notAfter()).isEqualTo(leaf.cert().getNotAfter().toInstant());
    assertThat(r.failureReason()).as(r.toString()).isNotIn(FailureReason.PROTOCOL_ERROR, FailureReason.CHAIN_TOO_LONG);
  }

  @Test
  void beyondTheLimitIsChainTooLong() throws Exception {
    assertThat(System.getProperty(ChainLimit.CHAIN_PROPERTY)).isEqualTo("64");
    ProbeResult r = probe(leafUnder(70));
    assertThat(r.success()).isFalse();
    assertThat(r.failureStage()).isEqualTo(FailureStage.HANDSHAKE);
    assertThat(r.failureReason()).as(r.toString()).isEqualTo(FailureReason.CHAIN_TOO_LONG);
  }

  @Test
  void applySetsBothPropertiesUnlessGiven() {
    // the build passes 64 with -D: apply keeps a value given on the command line
    ChainLimit.apply(5);
    assertThat(System.getProperty(ChainLimit.CHAIN_PROPERTY)).isEqualTo("64");
    String size = System.getProperty(ChainLimit.SIZE_PROPERTY);
    assertThat(Integer.parseInt(size)).isGreaterThanOrEqualTo(64 * ChainLimit.BYTES_PER_CERTIFICATE);
  }
}
