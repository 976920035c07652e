package io.sockscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A flood of connection ends against the smallest event receive buffer the kernel grants: the
 * kernel drops events (ENOBUFS). The agent survives, counts what it lost, and still reconciles:
 * the lost ends are split by the kernel's counters (young TIME_WAITs and TcpExt TW are local
 * closes, no reset counted, the rest peer closes), nothing is left {@code unknown}, never more
 * than the truth.
 */
class CloseEventFloodIT {
  static final int CONNECTIONS = 20_000;

  @Test
  void lostEventsAreCountedAndTotalsReconcile() throws Exception {
    try (UnprivilegedPod pod = UnprivilegedPod.start("""
          counterInterval: 500ms
          dumpInterval: 1s
          closeEventBuffer: 4096
        """, false)) {
      pod.awaitDumps(1, Duration.ofSeconds(30));
      Process w = pod.workload(pod.ns.pod, ManyDestinationsWorkload.class, String.valueOf(CONNECTIONS));
      BufferedReader r = w.inputReader(StandardCharsets.UTF_8);
      assertThat(r.readLine()).isEqualTo("done " + CONNECTIONS);
      // A loss noticed by the first dump after the workload is settled up to two dumps later.
      pod.awaitDumps(4, Duration.ofSeconds(60));

      PromText m = pod.agent.scrape();
      double lost = m.sum("sockscope_tcp_close_events_lost_total");
      double unknown = m.sum("sockscope_tcp_closes_total", "initiator", "unknown");
      System.out.printf("CloseEventFloodIT: received %.0f events, lost %.0f, unknown %.0f%n",
          m.sum("sockscope_tcp_close_events_total"), lost, unknown);
      m.samples().stream().filter(x -> x.name().equals("sockscope_tcp_closes_total") && x.value() > 0)
          .forEach(x -> System.out.println("CloseEventFloodIT: " + x));
      assertThat(pod.agent.process().isAlive()).as(pod.agent.log()).isTrue();
      assertThat(m.sum("sockscope_tcp_close_events_enabled")).isEqualTo(1);
      assertThat(lost).as("a 4 KiB buffer cannot hold 40,000 ends").isPositive();
      // Only the client role makes TIME_WAITs and the kernel counted no reset: nothing is unknowable.
      assertThat(unknown).isZero();
      assertThat(m.sum("sockscope_sampler_errors_total")).isZero();
      // Each workload connection ends twice in the namespace: the client closes first (local,
      // TIME_WAIT), the accepted side follows (peer). The scrapes are a few server ends more.
      double local = m.sum("sockscope_tcp_closes_total", "initiator", "local", "role", "client");
      // Totals reconcile with the kernel: every client end counted once, local or peer (measured:
      // exactly 20,000). Local: young TIME_WAITs no event claimed (those of the interval before
      // too, as its ends are settled now), and TcpExt TW entries beyond them (measured
      // 99.7-99.99 % in 15 runs with 72-85 % of the events lost, 98.8 % in one CI run before;
      // was 91.4-98 %, the rest unknown). The share under loss is empirical, not guaranteed: lost local ends beyond the
      // dated TIME_WAITs and the TW counter read before the dump end as peer (docs/sockets.md).
      assertThat(m.sum("sockscope_tcp_closes_total", "role", "client")).isBetween((double) CONNECTIONS, 1.01 * CONNECTIONS);
      assertThat(local).isBetween(0.98 * CONNECTIONS, (double) CONNECTIONS);
      double server = m.sum("sockscope_tcp_closes_total", "role", "server");
      // Upper bound from the kernel: every server-role end was a passive open of this namespace
      // (the workload's and the test's own scrapes, whose number grows with the machine's load).
      // Was once 20,717 of 20,201 in CI: ends counted missing the moment the MIBs showed them,
      // whose events then came. Settled an interval later, never above both of the last two
      // counts: 20,000 exactly in 15 runs of 15 (4 in CI, 5 beside busy loops), 72-85 % lost.
      assertThat(server).isGreaterThanOrEqualTo(0.95 * CONNECTIONS)
          .isLessThanOrEqualTo(1.01 * m.sum("sockscope_tcp_kernel_events_total", "event", "passive_opens"));
      assertThat(m.sum("sockscope_tcp_closes_total", "initiator", "local"))
          .isLessThanOrEqualTo(m.sum("sockscope_tcp_kernel_events_total", "event", "time_wait_entered"));
      assertThat(m.sum("sockscope_tcp_closes_total", "initiator", "reset")).isZero();
    }
  }
}
