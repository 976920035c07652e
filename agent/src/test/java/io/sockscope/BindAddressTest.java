package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.CommandLine;
import io.sockscope.config.ConfigException;
import io.sockscope.config.ConfigLoader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** Issue 13: the HTTP port always listened on 0.0.0.0. {@code --bind} / {@code bindAddress}. */
class BindAddressTest {
  @Test
  void bindsOnlyTheGivenAddress() throws Exception {
    AgentConfig c = ConfigLoader.apply(AgentConfig.defaults(),
        CommandLine.parse("--bind", "127.0.0.1", "--port", "0"));
    assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
    try (Agent a = Agent.start(c, false)) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", a.port()), 2000);
      }
      // another loopback address of the same host: nothing listens there now (with 0.0.0.0 the
      // same connect would succeed)
      try (Socket s = new Socket()) {
        assertThatThrownBy(() -> s.connect(new InetSocketAddress("127.0.0.2", a.port()), 2000))
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void aBadAddressIsAOneLineConfigError() {
    assertThatThrownBy(() -> ConfigLoader.apply(AgentConfig.defaults(),
        CommandLine.parse("--bind", "localhost; rm")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("bindAddress (--bind): must be an IP address");
  }
}
