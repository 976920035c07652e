package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockscope.config.ConfigLoader;
import io.sockscope.demo.DemoWorkload;
import io.sockscope.tls.TargetSummary;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sidecar turns the TLS endpoints its pod talks to (on tls.peerPorts) into probe targets. */
class PeerTargetsTest {

  @Test
  void anEstablishedConnectionToAPeerPortBecomesAProbedTargetAndGoesAway(@TempDir Path dir) throws Exception {
    try (DemoWorkload demo = DemoWorkload.start(dir)) {
      var endpoint = demo.endpoints().getFirst(); // 127.0.0.1:PORT serving a demo certificate
      int port = Integer.parseInt(endpoint.address().substring(endpoint.address().lastIndexOf(':') + 1));
      var config = ConfigLoader.parse("""
          role: sidecar
          port: 0
          sockets:
            source: procfs
            counterInterval: 100ms
            dumpInterval: 1s
          tls:
            peerPorts: [%d]
          kubernetes:
            enabled: false
          """.formatted(port), "test");
      Agent agent = Agent.start(config, false);
      try {
        String target = "127.0.0.1:" + port;
        try (Socket pod = new Socket("127.0.0.1", port)) {
          await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
              assertThat(agent.tlsScheduler().summaries())
                  .filteredOn(t -> t.target().equals(target))
                  .singleElement()
                  .satisfies(t -> {
                    assertThat(t.source()).isEqualTo("peer");
                    assertThat(t.version()).isEqualTo("TLSv1.3"); // probed: the handshake completed
                    assertThat(t.daysLeft()).isBetween(0.9, 1.0); // the 6-day certificate with 1 day left
                  }));
        }
        // the pod stopped talking to it: the peer target goes away
        await().atMost(Duration.ofSeconds(15)).until(() ->
            agent.tlsScheduler().summaries().stream().map(TargetSummary::target).noneMatch(target::equals));
      } finally {
        agent.close();
      }
    }
  }
}
