package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdhocProbeTest {
  @Test
  void allowListMatchesCidrsAndHostPatterns() {
    AllowList a =
        AllowList.parse(
            List.of("10.0.0.0/8", "fd00::/8", "*.svc", "db.example.org", "192.168.1.7"));
    assertThat(a.allowsAddress(InetAddress.ofLiteral("10.200.3.4"))).isTrue();
    assertThat(a.allowsAddress(InetAddress.ofLiteral("11.0.0.1"))).isFalse();
    assertThat(a.allowsAddress(InetAddress.ofLiteral("fd12::1"))).isTrue();
    assertThat(a.allowsAddress(InetAddress.ofLiteral("fe80::1"))).isFalse();
    assertThat(a.allowsAddress(InetAddress.ofLiteral("192.168.1.7"))).isTrue();
    assertThat(a.allowsAddress(InetAddress.ofLiteral("192.168.1.8"))).isFalse();
    assertThat(a.allowsHost("web.ns.svc")).isTrue();
    assertThat(a.allowsHost("svc")).isFalse();
    assertThat(a.allowsHost("evil.svc.example.com")).isFalse();
    assertThat(a.allowsHost("DB.example.org")).isTrue();
    assertThat(a.allowsHost("x.db.example.org")).isFalse();
    assertThatThrownBy(() -> AllowList.parse(List.of("10.0.0.0/33")))
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> AllowList.parse(List.of("a b"))).hasMessageContaining("a b");
  }

  @Test
  void namesAreResolvedOnceAndPinnedToTheCheckedAddress() {
    // a name that resolves into an allowed CIDR is probed at that address; one outside is refused
    TlsProber.Resolver fake =
        host ->
            switch (host) {
              case "inside.test" -> InetAddress.ofLiteral("127.0.0.1");
              case "outside.test" -> InetAddress.ofLiteral("10.9.9.9");
              default -> throw new UnknownHostException(host);
            };
    try (var prober = new TlsProber(TrustAnchors.of(List.of()), Clock.systemUTC(), fake)) {
      var p =
          new AdhocProbe(
              true,
              prober,
              List.of(),
              AllowList.parse(List.of("127.0.0.0/8")),
              Duration.ofSeconds(1),
              fake);
      assertThat(p.probe("outside.test:443", null, null).status()).isEqualTo(403);
      assertThat(p.probe("unknown.test:443", null, null).status()).isEqualTo(403);
      var in = p.probe("inside.test:1", null, null);
      assertThat(in.status()).isEqualTo(200);
      assertThat(in.result().failureStage()).isEqualTo(FailureStage.CONNECT);
    }
  }

  @Test
  void timeoutFollowsPrometheusHeaderMinusOffset() {
    var p =
        new AdhocProbe(
            true, null, List.of(), AllowList.parse(List.of()), Duration.ofSeconds(5), h -> null);
    assertThat(p.timeout(null)).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.timeout("10")).isEqualTo(Duration.ofMillis(9500));
    assertThat(p.timeout("2.5")).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.timeout("0.2")).isEqualTo(Duration.ofMillis(100));
    assertThat(p.timeout("junk")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void configuredTargetsAreAllowedWithoutAnAllowList() {
    try (var prober = new TlsProber(TrustAnchors.of(List.of()), Clock.systemUTC())) {
      var p =
          new AdhocProbe(
              true,
              prober,
              List.of(ProbeTarget.of("127.0.0.1", 1, "x.test", ProbeSource.STATIC)),
              AllowList.parse(List.of()),
              Duration.ofSeconds(1),
              h -> null);
      assertThat(p.probe("127.0.0.1:1", null, null).status()).isEqualTo(200);
      assertThat(p.probe("127.0.0.1:2", null, null).status()).isEqualTo(403);
    }
  }
}
