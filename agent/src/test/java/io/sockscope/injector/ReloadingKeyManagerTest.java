package io.sockscope.injector;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.sockscope.helm.RenderedChart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A renewed certificate (two renders of the chart: two generated pairs) is picked up in place. */
class ReloadingKeyManagerTest {
  @TempDir Path dir;

  private void write(Secret tls) throws Exception {
    Files.write(dir.resolve("tls.crt"), Base64.getDecoder().decode(tls.getData().get("tls.crt")));
    Files.write(dir.resolve("tls.key"), Base64.getDecoder().decode(tls.getData().get("tls.key")));
  }

  private static Secret render() {
    return RenderedChart.render(Map.of("injector.enabled", true))
        .one(Secret.class, "shop-sockscope-injector-tls");
  }

  /** A clock the test moves. */
  static final class MovableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void picksUpRenewedFilesAfterTheCheckInterval() throws Exception {
    write(render());
    MovableClock clock = new MovableClock();
    var km = new ReloadingKeyManager(dir.resolve("tls.crt"), dir.resolve("tls.key"), clock);
    String alias = km.chooseServerAlias("RSA", null, null);
    var first = km.getCertificateChain(alias)[0];

    write(render());
    Files.setLastModifiedTime(dir.resolve("tls.crt"), FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(km.getCertificateChain(km.chooseServerAlias("RSA", null, null))[0])
        .as("not before the check interval").isEqualTo(first);
    clock.now = clock.now.plus(ReloadingKeyManager.CHECK_EVERY).plusSeconds(1);
    var second = km.getCertificateChain(km.chooseServerAlias("RSA", null, null))[0];
    assertThat(second).isNotEqualTo(first);
    assertThat(km.getPrivateKey(km.chooseServerAlias("RSA", null, null)).getAlgorithm())
        .isEqualTo("RSA");

    // A broken renewal keeps the working pair in service.
    Files.writeString(dir.resolve("tls.key"), "garbage");
    clock.now = clock.now.plus(ReloadingKeyManager.CHECK_EVERY).plusSeconds(1);
    assertThat(km.getCertificateChain(km.chooseServerAlias("RSA", null, null))[0]).isEqualTo(second);
  }
}
