package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sockscope.metrics.SocketMetrics;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A truncated netlink frame only raises the sampler's error counter; the last values stay. */
class NetlinkRobustnessTest {
  private static final int MULTI = SockDiagWire.NLM_F_MULTI;

  /** The netlink source's parser, fed recorded datagrams instead of the kernel's replies. */
  private static final class ReplaySource implements SocketSource {
    private final SockDiagParser parser = new SockDiagParser();
    volatile MemorySegment datagram;

    @Override
    public long dump(int stateMask, SocketSink sink) throws NetlinkException {
      parser.begin(1);
      if (!parser.parse(datagram, sink)) {
        throw NetlinkException.malformed("reply ended without NLMSG_DONE");
      }
      return parser.sockets();
    }

    @Override
    public String name() {
      return "netlink";
    }
  }

  @Test
  void truncatedFrameOnlyRaisesTheErrorCounter() throws Exception {
    MemorySegment good = new SockDiagFrames()
        .socket(1, MULTI, TcpState.LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0, 1, 0, 0, 128, 0, 11, 0)
        .socket(1, MULTI, TcpState.ESTABLISHED, "10.0.0.1", 8080, "10.0.0.2", 40000,
            2, 0, 0, 0, 0, 12, 0)
        .done(1, 0)
        .datagram();
    MemorySegment truncated = new SockDiagFrames()
        .socket(1, MULTI, TcpState.LISTEN, "0.0.0.0", 8080, "0.0.0.0", 0, 1, 0, 0, 128, 0, 11, 0)
        .raw(new byte[9])
        .datagram();
    ReplaySource source = new ReplaySource();
    source.datagram = good;

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SocketSampler[] holder = new SocketSampler[1];
    SocketMetrics metrics = new SocketMetrics(() -> holder[0].snapshot(), registry, "netlink");
    var settings = new SocketSampler.Settings(Fixtures.procRoot(), Duration.ofMillis(50),
        Duration.ofMillis(100), 20, 0.2);
    try (SocketSampler sampler = new SocketSampler(source, settings, metrics)) {
      holder[0] = sampler;
      metrics.bindCounters(sampler);
      registry.getPrometheusRegistry().register(metrics);
      sampler.start();
      await().atMost(Duration.ofSeconds(5)).until(sampler::ready);
      assertThat(sampler.snapshot().count(TcpState.LISTEN)).isEqualTo(1);
      assertThat(sampler.snapshot().count(TcpState.ESTABLISHED)).isEqualTo(1);

      source.datagram = truncated;
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(registry.get("sockscope.sampler.errors").tag("tier", "dump")
              .tag("reason", "malformed").counter().count()).isGreaterThanOrEqualTo(2));
      assertThat(sampler.snapshot().count(TcpState.LISTEN)).isEqualTo(1);
      assertThat(sampler.snapshot().count(TcpState.ESTABLISHED)).isEqualTo(1);

      source.datagram = good; // the kernel is sane again: sampling resumes
      var dumpTimer = registry.get("sockscope.sampler.duration").tag("tier", "dump").timer();
      double dumps = dumpTimer.count();
      await().atMost(Duration.ofSeconds(5)).until(() -> dumpTimer.count() > dumps);
    }
  }
}
