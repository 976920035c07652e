package io.sockscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * 100,000 distinct destinations in TIME_WAIT with the agent at the launcher's default heap
 * (-Xmx32m): the per-destination state is bounded (heavy hitters), so it stays up, keeps
 * dumping and scraping, and reports what it folded. Before, 25k–30k destinations ended it with
 * OutOfMemoryError.
 */
class ManyDestinationsIT {
  static final int DESTINATIONS = 100_000;

  @Test
  void theAgentStaysUpAtItsDefaultHeap() throws Exception {
    try (UnprivilegedPod pod = UnprivilegedPod.start("""
          counterInterval: 1s
          dumpInterval: 2s
        """, true)) {
      pod.awaitDumps(1, Duration.ofSeconds(30));
      Process w = pod.workload(pod.ns.pod, ManyDestinationsWorkload.class, String.valueOf(DESTINATIONS));
      BufferedReader r = w.inputReader(StandardCharsets.UTF_8);
      String line = r.readLine();
      assertThat(line).as("workload: " + line).startsWith("done ");
      assertThat(Integer.parseInt(line.substring(5))).isEqualTo(DESTINATIONS);
      pod.awaitDumps(3, Duration.ofSeconds(120));

      PromText m = pod.agent.scrape();
      assertThat(pod.agent.process().isAlive()).as(pod.agent.log()).isTrue();
      System.out.printf("ManyDestinationsIT: heap used %.1f MiB, dumps %.0f taking %.1f ms on average, events lost %.0f%n",
          m.sum("jvm_memory_used_bytes", "area", "heap") / 1048576,
          m.sum("sockscope_sampler_duration_seconds_count", "tier", "dump"),
          1000 * m.sum("sockscope_sampler_duration_seconds_sum", "tier", "dump")
              / m.sum("sockscope_sampler_duration_seconds_count", "tier", "dump"),
          m.sum("sockscope_tcp_close_events_lost_total"));
      m.samples().stream().filter(x -> x.name().equals("sockscope_tcp_closes_total") && x.value() > 0)
          .forEach(x -> System.out.println("ManyDestinationsIT: " + x));
      long tw = pod.ss().stream().filter(l -> l[0].equals("TIME-WAIT")).count();
      assertThat(tw).as("TIME_WAIT lasts 60 s: most are still there").isGreaterThan(DESTINATIONS / 2);
      // Totals stay exact: the dump saw each TIME_WAIT, whatever the summary kept per destination.
      assertThat(m.sum("sockscope_tcp_sockets", "state", "time_wait", "role", "client"))
          .isBetween(0.9 * tw, 1.1 * DESTINATIONS);
      double shown = m.sum("sockscope_tcp_peer_sockets", "state", "time_wait", "role", "client");
      assertThat(shown).as("top K plus other add up to the total")
          .isEqualTo(m.sum("sockscope_tcp_sockets", "state", "time_wait", "role", "client"));
      assertThat(m.sum("sockscope_series_cut", "family", "sockscope_tcp_peer_sockets")).isGreaterThan(DESTINATIONS / 2);
      assertThat(m.sum("sockscope_tcp_ephemeral_port_utilization_ratio")).isLessThan(0.01);
      assertThat(m.sum("sockscope_sampler_errors_total")).isZero();
      // Local closes counted, lost events or not (young TIME_WAITs and TcpExt TW date them), never
      // more than the truth. Measured under this churn (100k connections in ~10 s, 12-27k events
      // lost): 99.2-99.6 % in 6 runs, totals exact since the loss window lasts 30 intervals (with 3,
      // a CI run that lost 1,199 events left 1,789 ends unsettled: the churn outlasted it); the
      // rest went to peer when a loss left more ends than the TIME_WAITs of its window show.
      assertThat(m.sum("sockscope_tcp_closes_total", "initiator", "local", "role", "client"))
          .isBetween(0.98 * DESTINATIONS, (double) DESTINATIONS);
      assertThat(m.sum("sockscope_tcp_closes_total", "role", "client")).as("nothing counted twice").isLessThanOrEqualTo(DESTINATIONS);
      assertThat(m.sum("sockscope_tcp_closes_total", "initiator", "local"))
          .isLessThanOrEqualTo(m.sum("sockscope_tcp_kernel_events_total", "event", "time_wait_entered"));
    }
  }
}
