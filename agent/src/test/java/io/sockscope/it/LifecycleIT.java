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
      assertThat(agent.process().exitValue()).as("SIGTERM is a clean stop").isZero();
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

  /**
   * Issue 13: SIGTERM with a /probe in flight took 5.3 s and ended with 143. Four probes hang on
   * a tarpit (accepts, never answers) when SIGTERM arrives: the agent exits 0, within 2 s.
   */
  @Test
  void sigtermWithProbesInFlightExitsZeroWithinTwoSeconds() throws Exception {
    int port = AgentProcess.freePort();
    var cfg = java.nio.file.Files.createTempFile("probe", ".yaml");
    java.nio.file.Files.writeString(cfg, """
        tls:
          probeEndpoint:
            enabled: true
            allow: [127.0.0.0/8]
        """);
    try (ServerSocket tarpit = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        AgentProcess agent = AgentProcess.start(List.of(), "http://127.0.0.1:" + port,
            "--port", String.valueOf(port), "--config", cfg.toString())) {
      List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread.ofVirtual().start(() -> {
        try {
          while (true) {
            held.add(tarpit.accept());
          }
        } catch (java.io.IOException closed) {
          // test over
        }
      });
      agent.awaitReady(Duration.ofSeconds(20));
      var http = java.net.http.HttpClient.newHttpClient();
      for (int i = 0; i < 4; i++) {
        http.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + port + "/probe?target=127.0.0.1:" + tarpit.getLocalPort()))
                .header("X-Prometheus-Scrape-Timeout-Seconds", "30").build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
      }
      long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (held.size() < 4 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      assertThat(held).as("probes connected to the tarpit").hasSize(4);
      long t0 = System.nanoTime();
      agent.process().destroy(); // SIGTERM
      assertThat(agent.process().waitFor(2, TimeUnit.SECONDS)).as(agent.log()).isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(agent.process().exitValue()).as(agent.log()).isZero();
      assertThat(took).isLessThan(Duration.ofSeconds(2));
      http.close();
    }
  }
}
