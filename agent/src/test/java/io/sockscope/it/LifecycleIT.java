package io.sockscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The jar from the command line: SIGTERM stops it within 2 s; errors are one line with code 2. */
class LifecycleIT {

  @Test
  void sigtermStopsTheAgentWithinTwoSeconds() throws Exception {
    int port = AgentProcess.freePort();
    try (AgentProcess agent = AgentProcess.start(List.of(), "http://127.0.0.1:" + port, "--port", String.valueOf(port))) {
      agent.awaitReady(Duration.ofSeconds(20));
      assertThat(agent.scrape().has("sockscope_tcp_sockets")).isTrue();
      long t0 = System.nanoTime();
      agent.process().destroy(); // SIGTERM
      assertThat(agent.process().waitFor(2, TimeUnit.SECONDS)).as(agent.log()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
      assertThat(agent.log()).contains("sockscope started: role local");
    }
  }

  @Test
  void aTakenPortIsAOneLineStartupError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0);
        AgentProcess agent = AgentProcess.start(List.of(), "http://127.0.0.1:1", "--port", String.valueOf(taken.getLocalPort()))) {
      assertThat(agent.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.process().exitValue()).isEqualTo(1);
      Thread.sleep(200);
      assertThat(agent.log().lines().filter(l -> l.startsWith("sockscope: ")).toList())
          .singleElement().asString().startsWith("sockscope: cannot listen on the HTTP port");
    }
  }

  @Test
  void unknownConfigKeyExitsWithCode2() throws Exception {
    var cfg = java.nio.file.Files.createTempFile("bad", ".yaml");
    java.nio.file.Files.writeString(cfg, "tls:\n  tragets: []\n");
    try (AgentProcess agent = AgentProcess.start(List.of(), "http://127.0.0.1:1", "--config", cfg.toString())) {
      assertThat(agent.process().waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(agent.process().exitValue()).isEqualTo(2);
      Thread.sleep(200);
      assertThat(agent.log().strip())
          .isEqualTo("sockscope: " + cfg + ":2:3: unknown key 'tls.tragets' (did you mean 'targets'?)");
    }
  }
}
