package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The file's values: every bad input is a line naming its place ({@code file:line:column}) and key. */
class ConfigLoaderTest {

  static Path file(String name) throws URISyntaxException {
    return Path.of(ConfigLoaderTest.class.getResource("/config/" + name).toURI());
  }

  static List<String> problems(Path f) {
    try {
      ConfigLoader.load(f);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).isEqualTo(String.join("\n", e.lines()));
      return e.lines();
    }
    throw new AssertionError(f + " loaded without a problem");
  }

  @Test
  void loadsAFullFile() throws Exception {
    AgentConfig c = ConfigLoader.load(file("valid-full.yaml"));
    assertThat(c.role()).isEqualTo(Role.SIDECAR);
    assertThat(c.port()).isEqualTo(9102);
    assertThat(c.sockets().source()).isEqualTo(SocketsConfig.SourceKind.PROCFS);
    assertThat(c.sockets().counterInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.sockets().dumpInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.sockets().earlyDumpJump()).isEqualTo(0.2);
    assertThat(c.tls().concurrency()).isEqualTo(16);
    assertThat(c.tls().peerPorts()).containsExactly(443, 8443);
    assertThat(c.tls().targets()).singleElement().satisfies(t -> {
      assertThat(t.address()).isEqualTo("api.example.internal:443");
      assertThat(t.serverName()).isEqualTo("api.example.internal");
      assertThat(t.interval()).isEqualTo(Duration.ofSeconds(30));
    });
    assertThat(c.tls().peerTargetsFor(c.role())).isTrue();
    assertThat(c.kubernetes().peerNames()).isTrue();
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
    for (String empty : List.of("", "# nothing\n", "---\n", "{}\n")) {
      AgentConfig c = ConfigLoader.parse(empty, "empty.yaml");
      assertThat(c).isEqualTo(AgentConfig.defaults());
      assertThat(c.role()).isEqualTo(Role.LOCAL);
      assertThat(c.port()).isEqualTo(9102);
      assertThat(c.sockets().counterInterval()).isEqualTo(Duration.ofSeconds(2));
      assertThat(c.tls().peerPorts()).containsExactly(443, 8443, 6443, 9443);
      assertThat(c.kubernetes().enabledFor(Role.LOCAL)).isFalse();
    }
  }

  @Test
  void nullAndEmptyValuesAreDefaultsAndQuotedScalarsAreTaken() {
    AgentConfig c = ConfigLoader.parse("""
        role: "sidecar"
        port: '9191'
        sockets:
          enabled: "false"
          topPeers:
        tls: ~
        kubernetes:
          namespace: "null"
        """, "t");
    assertThat(c.role()).isEqualTo(Role.SIDECAR);
    assertThat(c.port()).isEqualTo(9191);
    assertThat(c.sockets().enabled()).isFalse();
    assertThat(c.sockets().topPeers()).isEqualTo(20);
    assertThat(c.tls()).isEqualTo(TlsConfig.defaults());
    assertThat(c.kubernetes().namespace()).isEqualTo("null");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '^', value = {
      "invalid-unknown-key.yaml   ^ 3:3: unknown key 'sockets.dumpIntervall' (did you mean 'dumpInterval'?)",
      "invalid-zero-interval.yaml ^ 2:17: sockets.dumpInterval: must be between 1s and 30s (got 0s)",
      "invalid-dump-1ms.yaml      ^ 2:17: sockets.dumpInterval: must be between 1s and 30s (got 1ms)",
      "invalid-dump-90s.yaml      ^ 2:17: sockets.dumpInterval: must be between 1s and 30s (got 90s)",
      "invalid-bare-number.yaml   ^ 2:20: sockets.counterInterval: expected a duration such as 500ms, 10s, 5m or 1h, got '10'",
      "invalid-source.yaml        ^ 2:11: sockets.source: expected auto, netlink or procfs, got 'ebpf'",
      "invalid-role.yaml          ^ 1:7: role: unknown role 'daemonset' (expected one of local, sidecar, namespace-prober, injector)",
      "invalid-target.yaml        ^ 3:16: tls.targets[0].address: expected HOST:PORT, got 'example.com'",
      "invalid-port.yaml          ^ 1:7: port: must be between 0 and 65535 (got 70000)",
      "invalid-yaml.yaml          ^ 2:17: unterminated double-quoted string (a quoted value must end on its line)",
      "invalid-type.yaml          ^ 1:10: sockets: expected a mapping, got a sequence",
      "invalid-top-peers.yaml     ^ 2:13: sockets.topPeers: must be between 1 and 1000 (got 0)",
      "invalid-duplicate-key.yaml ^ 4:3: duplicate key 'sockets.dumpInterval' (first at line 2)",
      "invalid-tab.yaml           ^ 2:1: tab in indentation (YAML indents with spaces only)",
      "invalid-anchor.yaml        ^ 2:13: anchors ('&') are not supported",
      "invalid-top-level.yaml     ^ 1:1: (top level): expected a mapping of settings (key: value), got a sequence",
  })
  void everyInvalidValueIsOneLineWithItsPlaceAndKey(String fixture, String expected) throws Exception {
    Path f = file(fixture);
    assertThat(problems(f)).containsExactly(f + ":" + expected);
  }

  @Test
  void threeBadKeysAreReportedTogetherInFileOrder() throws Exception {
    Path f = file("invalid-three-keys.yaml");
    assertThat(problems(f)).containsExactly(
        f + ":2:7: port: must be between 0 and 65535 (got 70000)",
        f + ":4:3: unknown key 'sockets.dumpIntervall' (did you mean 'dumpInterval'?)",
        f + ":6:16: tls.concurrency: must be between 1 and 4096 (got 0)");
  }

  @Test
  void everyIntervalHasARange() throws Exception {
    Path f = file("invalid-intervals.yaml");
    assertThat(problems(f)).containsExactly(
        f + ":2:20: sockets.counterInterval: must be between 100ms and 1m (got 5m)",
        f + ":4:13: tls.interval: must be between 1s and 24h (got 500ms)",
        f + ":5:12: tls.timeout: must be between 100ms and 1m (got 10m)",
        f + ":8:17: tls.targets[0].interval: must be between 1s and 24h (got 48h)");
  }

  @Test
  void valuesOfTheWrongKindNameTheKeyAndWhatWasExpected() throws Exception {
    Path f = file("invalid-bad-values.yaml");
    assertThat(problems(f)).containsExactly(
        f + ":3:12: sockets.enabled: expected true or false, got 'yes'",
        f + ":4:18: sockets.earlyDumpJump: expected a number, got 'lots'",
        f + ":6:20: tls.peerPorts[1]: expected a whole number, got 'https'",
        f + ":7:18: tls.probeEndpoint: expected a mapping, got a sequence");
  }

  @Test
  void anUnknownKeyFarFromAnyNameListsTheKeysOfItsSection() {
    assertThatThrownBy(() -> ConfigLoader.parse("tls:\n  probeEndpoint:\n    allowed: []\n    open: true\n", "t"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("t:3:5: unknown key 'tls.probeEndpoint.allowed' (did you mean 'allow'?)\n"
            + "t:4:5: unknown key 'tls.probeEndpoint.open' (expected one of "
            + java.util.Arrays.stream(TlsConfig.ProbeEndpointConfig.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).collect(java.util.stream.Collectors.joining(", "))
            + ")");
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
