package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TlsConfigTest {
  static TlsConfig withAllow(String... allow) {
    return new TlsConfig(
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        new TlsConfig.ProbeEndpointConfig(true, List.of(allow)));
  }

  /** Validates {@code tls} as the loader does: inside a whole configuration. */
  static AgentConfig validate(TlsConfig tls) {
    return new AgentConfig(null, null, null, null, tls, null, null).validate();
  }

  @Test
  void allowEntriesAreCidrsIpsOrHostPatterns() {
    assertThatCode(
            () ->
                validate(withAllow("10.0.0.0/8", "fd00::/8", "192.168.1.7", "*.svc", "db.example.org")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> validate(withAllow("10.0.0.0/33")))
        .hasMessage("tls.probeEndpoint.allow[0]: not a valid CIDR or IP: '10.0.0.0/33'");
    assertThatThrownBy(() -> validate(withAllow("*.svc", "exa mple")))
        .hasMessageStartingWith("tls.probeEndpoint.allow[1]: expected a CIDR");
    assertThatThrownBy(() -> validate(withAllow("a.*.svc")))
        .hasMessageStartingWith("tls.probeEndpoint.allow[0]: expected a CIDR");
  }

  @Test
  void serverNameMustBeADnsName() {
    var t = new TlsTargetConfig("a.test:443", "bad name", null, null, null, null, null);
    var c = new TlsConfig(null, null, null, List.of(t), null, null, null, null);
    assertThatThrownBy(() -> validate(c))
        .hasMessage("tls.targets[0].serverName: not a DNS name: 'bad name'");
  }
}
