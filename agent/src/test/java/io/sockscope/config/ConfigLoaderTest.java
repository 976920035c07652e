package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

  static Path file(String name) throws URISyntaxException {
    return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
  }

  @Test
  void loadsAFullFile() throws Exception {
    AgentConfig c = ConfigLoader.load(file("valid-full.yaml"));
    assertThat(c.role()).isEqualTo(Role.SIDECAR);
    assertThat(c.sockets().source()).isEqualTo(SocketsConfig.SourceKind.PROCFS);
    assertThat(c.sockets().dumpInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.tls().targets()).singleElement().satisfies(t -> {
      assertThat(t.address()).isEqualTo("api.example.internal:443");
      assertThat(t.interval()).isEqualTo(Duration.ofSeconds(30));
    });
    assertThat(c.tls().peerTargetsFor(c.role())).isTrue();
  }

  /** The protocol key is read from YAML, and an unknown one names the key and the choices. */
  @Test
  void aTargetsProtocolIsReadAndChecked() {
    AgentConfig c = ConfigLoader.parse("""
        tls:
          targets:
            - address: db.shop.svc:15432
              protocol: postgresql
            - address: db.shop.svc:5432
              protocol: tls
            - address: mail.shop.svc:587
        """, "protocols.yaml");
    assertThat(c.tls().targets()).extracting(t -> t.target().protocol()).containsExactly(
        io.sockscope.tls.ProbeProtocol.POSTGRES, io.sockscope.tls.ProbeProtocol.TLS,
        io.sockscope.tls.ProbeProtocol.SMTP);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.parse("""
        tls:
          targets:
            - address: ftp.shop.svc:21
              protocol: ftp
        """, "bad-protocol.yaml"))
        .hasMessageContaining("tls.targets[0].protocol: 'ftp' is none of tls, https, none, postgres");
  }

  @Test
  void anEmptyFileIsAllDefaults() {
    AgentConfig c = ConfigLoader.parse("", "empty.yaml");
    assertThat(c.role()).isEqualTo(Role.LOCAL);
    assertThat(c.port()).isEqualTo(9102);
    assertThat(c.sockets().counterInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.tls().peerPorts()).containsExactly(443, 8443, 6443, 9443);
    assertThat(c.kubernetes().enabledFor(Role.LOCAL)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "invalid-unknown-key.yaml   | unknown key 'sockets.dumpIntervall'",
      "invalid-zero-interval.yaml | sockets.dumpInterval: must be > 0 (got 0s)",
      "invalid-bare-number.yaml   | sockets.counterInterval: expected a duration such as 500ms, 10s, 5m or 1h, got '10'",
      "invalid-source.yaml        | sockets.source: expected auto, netlink or procfs, got 'ebpf'",
      "invalid-role.yaml          | role: unknown role 'daemonset' (expected one of local, sidecar, namespace-prober, injector)",
      "invalid-target.yaml        | tls.targets[0].address: expected HOST:PORT, got 'example.com'",
      "invalid-port.yaml          | port: must be between 0 and 65535 (got 70000)",
      "invalid-yaml.yaml          | not valid YAML",
      "invalid-type.yaml          | sockets: wrong type: expected a mapping (Sockets), got array",
      "invalid-top-peers.yaml     | sockets.topPeers: must be between 1 and 1000 (got 0)",
  })
  void everyInvalidValueIsOneLineNamingTheKey(String fixture, String expected) throws Exception {
    Path f = file(fixture);
    assertThatThrownBy(() -> ConfigLoader.load(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(f + ": ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void aMissingFileIsOneLine() {
    assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/sockscope.yaml")))
        .hasMessage("/nonexistent/sockscope.yaml: no such file");
  }

  @Test
  void flagsWinOverTheFile() throws Exception {
    AgentConfig base = ConfigLoader.load(file("valid-full.yaml"));
    CommandLine cli = CommandLine.parse("--role", "local", "--port", "0",
        "--tls-target", "db.internal:5432,db", "--tls-ca-file", "/etc/ca.pem");
    AgentConfig c = ConfigLoader.apply(base, cli);
    assertThat(c.role()).isEqualTo(Role.LOCAL);
    assertThat(c.port()).isZero();
    assertThat(c.tls().targets()).hasSize(2).last().satisfies(t -> {
      assertThat(t.address()).isEqualTo("db.internal:5432");
      assertThat(t.serverName()).isEqualTo("db");
    });
    assertThat(c.tls().caFiles()).containsExactly("/etc/ca.pem");
  }
}
