package io.sockscope.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.sockscope.config.AgentConfig;
import io.sockscope.config.ConfigLoader;
import io.sockscope.config.TlsTargetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's own YAML reader takes what Helm's {@code toYaml} writes (ChartTest loads every
 * ci/*-values.yaml config; this one fills every kind of value a user may put in {@code config:}):
 * compact sequences, quoted IPv6 addresses and {@code *} patterns, numbers, booleans, durations.
 */
class ChartConfigReaderTest {

  @Test
  void everyKindOfUserValueSurvivesToYamlAndTheReader(@TempDir Path dir) throws Exception {
    Path values = Files.writeString(dir.resolve("values.yaml"), """
        prober:
          config:
            procRoot: /host/proc
            sockets:
              enabled: false
              earlyDumpJump: 0.5
              topPeers: 50
            tls:
              interval: 2m
              timeout: 1500ms
              concurrency: 8
              caFiles: [/etc/ca/a.pem, "/etc/ca/with space.pem"]
              peerPorts: []
              targets:
                - address: "[fd00::1]:443"
                  serverName: api.internal
                - address: db.internal:5432
                  interval: 90s
                  protocol: postgres
              probeEndpoint:
                enabled: true
                allow: ["*.svc", 10.0.0.0/8, "fd00::/8"]
            kubernetes:
              namespace: "on"
        sidecar:
          config:
            kubernetes:
              peerNames: false
            tls:
              peerTargets: false
              probeEndpoint: {}
        """);
    RenderedChart c = RenderedChart.render(values, Map.of());

    AgentConfig prober = parse(c, "shop-sockscope");
    assertThat(prober.procRoot()).isEqualTo("/host/proc");
    assertThat(prober.sockets().enabled()).isFalse();
    assertThat(prober.sockets().earlyDumpJump()).isEqualTo(0.5);
    assertThat(prober.sockets().topPeers()).isEqualTo(50);
    assertThat(prober.tls().interval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(prober.tls().timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(prober.tls().concurrency()).isEqualTo(8);
    assertThat(prober.tls().caFiles()).containsExactly("/etc/ca/a.pem", "/etc/ca/with space.pem");
    assertThat(prober.tls().peerPorts()).isEmpty();
    assertThat(prober.tls().targets()).containsExactly(
        new TlsTargetConfig("[fd00::1]:443", "api.internal", null, null, null, null, null),
        new TlsTargetConfig("db.internal:5432", null, null, null, null, Duration.ofSeconds(90), "postgres"));
    assertThat(prober.tls().probeEndpoint().enabled()).isTrue();
    assertThat(prober.tls().probeEndpoint().allow())
        .containsExactly("*.svc", "10.0.0.0/8", "fd00::/8");
    assertThat(prober.kubernetes().namespace()).isEqualTo("on");

    AgentConfig sidecar = parse(c, "shop-sockscope-sidecar");
    assertThat(sidecar.kubernetes().peerNames()).isFalse();
    assertThat(sidecar.tls().peerTargets()).isFalse();
    assertThat(sidecar.tls().probeEndpoint().enabled()).isFalse();
  }

  static AgentConfig parse(RenderedChart c, String configMap) {
    return ConfigLoader.parse(c.one(ConfigMap.class, configMap).getData().get("config.yaml"),
        "ConfigMap " + configMap);
  }
}
