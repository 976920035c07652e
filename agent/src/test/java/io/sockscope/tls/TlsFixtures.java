package io.sockscope.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Two real TLS servers for tests outside this package: one expired, one valid, for app.test. */
public final class TlsFixtures implements AutoCloseable {
  private final TrustAnchors anchors;
  private Path caFile;
  private final TestTlsServer expired;
  private final TestTlsServer valid;

  private TlsFixtures(TrustAnchors anchors, TestTlsServer expired, TestTlsServer valid) {
    this.anchors = anchors;
    this.expired = expired;
    this.valid = valid;
  }

  public static TlsFixtures start(Path dir, Instant expiredAt, Instant validUntil)
      throws Exception {
    var root = TestCa.root("Fixture Root");
    Path caFile = root.pem(dir, "fixture-root");
    var anchors = TrustAnchors.load(List.of(caFile), null);
    var e =
        TestTlsServer.serving(
                TestCa.leaf(root, expiredAt.minus(Duration.ofDays(90)), expiredAt, "app.test"))
            .start();
    var v =
        TestTlsServer.serving(
                TestCa.leaf(root, TestCa.NOW.minus(Duration.ofDays(1)), validUntil, "app.test"))
            .start();
    TlsFixtures fx = new TlsFixtures(anchors, e, v);
    fx.caFile = caFile;
    return fx;
  }

  /** The fixture root CA as a PEM file (for an agent's tls.caFiles). */
  public Path caFile() {
    return caFile;
  }

  /** Anchors holding the fixture root CA. */
  public TrustAnchors anchors() {
    return anchors;
  }

  public int expiredPort() {
    return expired.port();
  }

  public int validPort() {
    return valid.port();
  }

  /** A loopback port that accepts TCP and never answers. */
  public static int closedPort() throws Exception {
    return TestTlsServer.closedPort();
  }

  @Override
  public void close() throws Exception {
    expired.close();
    valid.close();
  }

  /** A running TLS server for tests outside this package: its port, closed with the test. */
  public interface Server extends AutoCloseable {
    int port();
  }

  /** A server whose leaf lists {@code sans} DNS names: app.test, then n1.app.test, n2.app.test... */
  public static Server withDnsNames(int sans) throws Exception {
    var root = TestCa.root("SAN Root");
    String[] names = new String[sans];
    names[0] = "app.test";
    for (int i = 1; i < sans; i++) {
      names[i] = "n" + i + ".app.test";
    }
    var server =
        TestTlsServer.serving(
                TestCa.leaf(root, TestCa.NOW.minus(Duration.ofDays(1)), TestCa.days(30), names))
            .start();
    return wrap(server);
  }

  /** A server presenting {@code served} certificates: a leaf under {@code served - 1} CAs. */
  public static Server withChainOf(int served) throws Exception {
    TestCa.Issued issuer = TestCa.root("Long Root");
    for (int i = 1; i < served; i++) {
      issuer = TestCa.intermediate(issuer, "Long CA " + i);
    }
    return wrap(
        TestTlsServer.serving(
                TestCa.leaf(issuer, TestCa.NOW.minus(Duration.ofDays(1)), TestCa.days(40), "app.test"))
            .start());
  }

  private static Server wrap(TestTlsServer server) {
    return new Server() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public void close() throws java.io.IOException {
        server.close();
      }
    };
  }
}
