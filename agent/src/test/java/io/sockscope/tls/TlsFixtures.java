package io.sockscope.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Two real TLS servers for tests outside this package: one expired, one valid, for app.test. */
public final class TlsFixtures implements AutoCloseable {
  private final TrustAnchors anchors;
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
    var anchors = TrustAnchors.load(List.of(root.pem(dir, "fixture-root")), null);
    var e =
        TestTlsServer.serving(
                TestCa.leaf(root, expiredAt.minus(Duration.ofDays(90)), expiredAt, "app.test"))
            .start();
    var v =
        TestTlsServer.serving(
                TestCa.leaf(root, TestCa.NOW.minus(Duration.ofDays(1)), validUntil, "app.test"))
            .start();
    return new TlsFixtures(anchors, e, v);
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
}
