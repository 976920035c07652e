package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The caps and limits of issue 13 are settings: read from YAML, defaulted, range-checked. */
class CapsConfigTest {
  @Test
  void defaults() {
    AgentConfig c = AgentConfig.defaults();
    assertThat(c.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(c.sockets().maxListenPorts()).isEqualTo(64);
    assertThat(c.tls().maxTargets()).isEqualTo(256);
    assertThat(c.tls().maxDnsNamesLength()).isEqualTo(1024);
    assertThat(c.tls().maxChainLength()).isEqualTo(64);
    assertThat(c.tls().probeEndpoint().maxConcurrent()).isEqualTo(4);
  }

  @Test
  void readFromTheFile(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("caps.yaml"), """
        bindAddress: 127.0.0.1
        sockets:
          maxListenPorts: 10
        tls:
          maxTargets: 1000
          maxDnsNamesLength: 200
          maxChainLength: 20
          probeEndpoint:
            enabled: true
            maxConcurrent: 2
        """);
    AgentConfig c = ConfigLoader.load(f).validate();
    assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.sockets().maxListenPorts()).isEqualTo(10);
    assertThat(c.tls().maxTargets()).isEqualTo(1000);
    assertThat(c.tls().maxDnsNamesLength()).isEqualTo(200);
    assertThat(c.tls().maxChainLength()).isEqualTo(20);
    assertThat(c.tls().probeEndpoint().maxConcurrent()).isEqualTo(2);
  }

  @Test
  void outOfRangeIsAOneLineError(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("bad.yaml"), "tls:\n  maxTargets: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(f).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.maxTargets");
    Path g = Files.writeString(dir.resolve("bad2.yaml"), "sockets:\n  maxListenPorts: 0\n");
    assertThatThrownBy(() -> ConfigLoader.load(g).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("sockets.maxListenPorts");
  }
}
