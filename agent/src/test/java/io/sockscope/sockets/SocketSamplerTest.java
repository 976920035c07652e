package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockscope.metrics.SocketMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler survives bad input: it counts the failure and keeps serving the last good values. */
class SocketSamplerTest {

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void malformedProcInputOnlyRaisesTheErrorCounter(@TempDir Path root) throws Exception {
    copyTree(Fixtures.procRoot(), root);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SocketSampler[] holder = new SocketSampler[1];
    SocketMetrics metrics = new SocketMetrics(() -> holder[0].snapshot(), registry, "procfs");
    var settings = new SocketSampler.Settings(root, Duration.ofMillis(50), Duration.ofMillis(100), 20, 0.2);
    try (SocketSampler sampler = new SocketSampler(new ProcfsSource(root), settings, metrics)) {
      holder[0] = sampler;
      metrics.bindCounters(sampler);
      registry.getPrometheusRegistry().register(metrics);
      sampler.start();
      await().atMost(Duration.ofSeconds(5)).until(sampler::ready);
      long listenBefore = sampler.snapshot().count(TcpState.LISTEN);
      assertThat(listenBefore).isEqualTo(3);

      Files.copy(Fixtures.path("broken/tcp_truncated"), root.resolve("net/tcp"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(root.resolve("net/snmp"), "Tcp: A B\nTcp: 1\n");
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(registry.get("sockscope.sampler.errors").tag("tier", "dump").tag("reason", "malformed").counter().count())
            .isGreaterThanOrEqualTo(2);
        assertThat(registry.get("sockscope.sampler.errors").tag("tier", "counters").tag("reason", "malformed").counter().count())
            .isGreaterThanOrEqualTo(2);
      });
      assertThat(sampler.snapshot().count(TcpState.LISTEN)).isEqualTo(listenBefore);
      assertThat(registry.scrape()).contains("sockscope_tcp_sockets{family=\"ipv4\",role=\"server\",state=\"listen\"} 2");

      copyTree(Fixtures.procRoot(), root); // the kernel is sane again: sampling resumes
      double dumps = registry.get("sockscope.sampler.duration").tag("tier", "dump").timer().count();
      await().atMost(Duration.ofSeconds(5)).until(
          () -> registry.get("sockscope.sampler.duration").tag("tier", "dump").timer().count() > dumps);
    }
  }
}
