package io.sockscope.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.sockscope.Agent;
import io.sockscope.config.ConfigLoader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The status page rendered by a real browser, on the fixture namespace (known content). */
class StatusPageBrowserTest {
  private static Agent agent;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    Chromium.binary();
    Path fixtures = Path.of(StatusPageBrowserTest.class.getResource("/fixtures/proc").toURI());
    // demo: its HTTPS endpoints become TLS targets (a 6-day certificate, an expired one, a wrong host)
    agent = Agent.start(ConfigLoader.parse("port: 0\nprocRoot: " + fixtures + "\nsockets:\n  source: procfs\n", "t"), true);
    await().atMost(Duration.ofSeconds(10)).until(agent.readiness()::ready);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.tlsScheduler().summaries().stream().filter(t -> t.lastProbe() != null).count() == 3);
    url = "http://127.0.0.1:" + agent.port() + "/";
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void rendersTheSocketSummaryWithNoExternalAssets() throws Exception {
    String dom = Chromium.dumpDom(url);
    assertThat(dom).contains("<h3>States by role</h3>", "<h3>TIME_WAIT by peer</h3>",
        "<h3>How connections ended (since start, from dumps and kernel counters)</h3>",
        "<h3>Ended connections per destination (top 0)</h3>", "Ephemeral ports per destination (usable: 28131)");
    // the fixture's IPv4 TIME_WAIT sockets: 4 client, 1 "other" in IPv6 (reserved port)
    assertThat(dom).contains("<td>time_wait</td><td>4</td><td>0</td><td>1</td><td>5</td>");
    assertThat(dom).doesNotContain("<script", "src=\"http", "href=\"http");
  }

  @Test
  void rendersTheTlsTableWithReasons() throws Exception {
    String dom = Chromium.dumpDom(url);
    assertThat(dom).contains("<h2>TLS endpoints</h2>", "<th>days left</th>", "<th>handshake p50</th>");
    assertThat(dom).contains("<td>expired</td>", "<td>hostname_mismatch</td>", "<td>TLSv1.3</td>");
    assertThat(dom).containsPattern("<td>0\\.9</td><td>yes</td>|<td>1\\.0</td><td>yes</td>");
  }

  @Test
  void screenshotShowsARenderedPage() throws Exception {
    Path png = Chromium.screenshot(url, 1200, 900);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(1200);
    assertThat(img.getHeight()).isEqualTo(900);
    // A blank or error page has a handful of colours; the page has a dark header, figures,
    // tables and text (anti-aliased: hundreds of colours).
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 3) {
      for (int x = 0; x < img.getWidth(); x += 3) {
        colours.add(img.getRGB(x, y));
      }
    }
    assertThat(colours.size()).isGreaterThan(50);
    int header = img.getRGB(600, 10) & 0xFFFFFF;
    assertThat(header).as("dark header bar").isEqualTo(0x1d2330);
    Files.copy(png, Path.of("target/status-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
