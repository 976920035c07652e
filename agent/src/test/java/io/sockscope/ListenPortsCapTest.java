package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.Role;
import io.sockscope.config.SocketsConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: a pod listening on 5,000 ports got 10,002 {@code listen_queue*} series. Real listening
 * sockets in this network namespace, the real agent sampling it: at most {@code
 * sockets.maxListenPorts} series per family, the rest folded into {@code port="other"} and counted.
 */
class ListenPortsCapTest {
  @Test
  void fiveThousandListeningPortsStayWithinTheCap() throws Exception {
    List<ServerSocket> listening = new ArrayList<>();
    var sockets = new SocketsConfig(null, null, null, Duration.ofSeconds(1), null, null, 64, null, null);
    try (Agent a = Agent.start(new AgentConfig(Role.LOCAL, 0, null, sockets, null, null, null), false)) {
      for (int i = 0; i < 5000; i++) {
        listening.add(new ServerSocket(0, 5, InetAddress.getLoopbackAddress()));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> cut(scrape(a)) >= 5000 - 63);
      String text = scrape(a);
      long queues = text.lines().filter(l -> l.startsWith("sockscope_tcp_listen_queue{")).count();
      long limits = text.lines().filter(l -> l.startsWith("sockscope_tcp_listen_queue_limit{")).count();
      assertThat(queues).isEqualTo(64);
      assertThat(limits).isLessThanOrEqualTo(64);
      assertThat(text).contains("sockscope_tcp_listen_queue{port=\"other\"}");
      // the folded ports: every listener of the namespace beyond the 63 kept (ours and others')
      assertThat(cut(text)).isGreaterThanOrEqualTo(5000 - 63);
    } finally {
      for (ServerSocket s : listening) {
        s.close();
      }
    }
  }

  static String scrape(Agent a) {
    return new String(a.metrics().scrape(null).body(), StandardCharsets.UTF_8);
  }

  static double cut(String text) {
    return text.lines()
        .filter(l -> l.startsWith("sockscope_series_cut{family=\"sockscope_tcp_listen_queue\"}"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElse(-1);
  }
}
