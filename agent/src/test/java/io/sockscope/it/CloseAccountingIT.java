package io.sockscope.it;

import static io.sockscope.it.AccountingWorkload.CLIENT_ABORT;
import static io.sockscope.it.AccountingWorkload.HELD;
import static io.sockscope.it.AccountingWorkload.LEAKED;
import static io.sockscope.it.AccountingWorkload.LOCAL_CLIENT;
import static io.sockscope.it.AccountingWorkload.PEER_CLIENT;
import static io.sockscope.it.AccountingWorkload.RESET_CLIENT;
import static io.sockscope.it.AccountingWorkload.SERVER_LOCAL;
import static io.sockscope.it.AccountingWorkload.SERVER_PEER;
import static io.sockscope.it.AccountingWorkload.SERVER_RESET;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Who closed every connection, against a workload of known truth ({@link AccountingWorkload}):
 * thousands of sub-millisecond connections in both roles and every way of ending, with the agent
 * unprivileged in the pod's namespace and closes attributed from the kernel's destroy events.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloseAccountingIT {
  private static final String PEER = NetworkNamespaces.PEER_IP;
  private UnprivilegedPod pod;
  private PromText m;

  @BeforeAll
  void run() throws Exception {
    pod = UnprivilegedPod.start("""
          source: netlink
          counterInterval: 500ms
          dumpInterval: 1s
        """, false);
    pod.awaitDumps(1, Duration.ofSeconds(20)); // the baseline is behind us
    Process peer = pod.workload(pod.ns.peer, AccountingWorkload.class, "peer", PEER, NetworkNamespaces.POD_IP);
    UnprivilegedPod.awaitLine(peer, "ready");
    Process local = pod.workload(pod.ns.pod, AccountingWorkload.class, "pod", PEER);
    UnprivilegedPod.awaitLine(local, "ready");
    UnprivilegedPod.tell(peer);
    UnprivilegedPod.awaitLine(peer, "done");
    UnprivilegedPod.awaitLine(local, "done");
    pod.awaitDumps(3, Duration.ofSeconds(30));
    m = pod.agent.scrape();
  }

  @AfterAll
  void stop() throws Exception {
    if (pod != null) {
      pod.close();
    }
  }

  private double closes(String initiator, String role) {
    return m.sum("sockscope_tcp_closes_total", "initiator", initiator, "role", role);
  }

  private double perDestination(String port, String initiator) {
    return m.sum("sockscope_tcp_peer_closes_total", "peer", PEER, "port", port, "initiator", initiator);
  }

  private String describe() {
    StringBuilder b = new StringBuilder(pod.agent.log()).append('\n');
    m.samples().stream().filter(x -> x.value() != 0 && x.name().startsWith("sockscope_tcp")
        && !x.name().contains("rtt_seconds_bucket")).forEach(x -> b.append(x).append('\n'));
    return b.toString();
  }

  @Test
  void eventsAreOnAndNoneWasLost() {
    assertThat(m.sum("sockscope_tcp_close_events_enabled")).as(this::describe).isEqualTo(1);
    assertThat(m.sum("sockscope_tcp_close_events_lost_total")).as(this::describe).isZero();
    assertThat(m.sum("sockscope_tcp_close_events_total"))
        .isGreaterThanOrEqualTo(LOCAL_CLIENT + PEER_CLIENT + HELD - LEAKED + RESET_CLIENT + CLIENT_ABORT
            + SERVER_LOCAL + SERVER_PEER + SERVER_RESET);
  }

  @Test
  void totalsPerInitiatorAreExact() {
    // Every end told by a twin, the kernel's TW count, its final tcp_info or a CLOSE_WAIT sighting.
    assertThat(closes("local", "client") + closes("local", "server") - scrapes("local"))
        .as(this::describe).isEqualTo(LOCAL_CLIENT + SERVER_LOCAL);
    assertThat(closes("peer", "client") + closes("peer", "server") - scrapes("peer"))
        .as(this::describe).isEqualTo(PEER_CLIENT + HELD + SERVER_PEER);
  }

  @Test
  void clientClosesAreExact() {
    // Local closes whose twin a reset killed before any dump (docs/sockets.md, "Limits") too:
    // the kernel's TW count says how many, their destination's other closes which ones.
    assertThat(closes("local", "client")).as(this::describe).isEqualTo(LOCAL_CLIENT);
    // The peer closed first: the sub-millisecond ones, the held ones and the leaked CLOSE_WAITs.
    assertThat(closes("peer", "client")).as(this::describe).isEqualTo(PEER_CLIENT + HELD);
    assertThat(closes("reset", "client")).as(this::describe).isEqualTo(RESET_CLIENT + CLIENT_ABORT);
    assertThat(closes("unknown", "client")).isZero();
  }

  /** The scrapes' own ends: server connections of the pod from the test's address. */
  private double scrapes(String initiator) {
    return m.sum("sockscope_tcp_peer_closes_total", "initiator", initiator)
        - m.sum("sockscope_tcp_peer_closes_total", "peer", PEER, "initiator", initiator);
  }

  @Test
  void serverClosesAreExact() {
    // The scrapes themselves are server connections of the pod (the agent's port, from the test's
    // address): the agent counts their ends too, per destination, so they are taken from there
    // rather than guessed (more of them end on a loaded machine).
    assertThat(closes("local", "server") - scrapes("local")).as(this::describe).isEqualTo(SERVER_LOCAL);
    assertThat(closes("peer", "server") - scrapes("peer")).as(this::describe).isEqualTo(SERVER_PEER);
    assertThat(closes("reset", "server") - scrapes("reset")).as(this::describe).isEqualTo(SERVER_RESET);
    assertThat(closes("unknown", "server")).isZero();
  }

  @Test
  void perDestinationCountsAreExact() {
    assertThat(perDestination("7101", "local")).as(this::describe).isEqualTo(LOCAL_CLIENT);
    assertThat(perDestination("7102", "peer")).as(this::describe).isEqualTo(PEER_CLIENT);
    assertThat(perDestination("7103", "peer")).isEqualTo(HELD);
    assertThat(perDestination("7104", "reset")).isEqualTo(RESET_CLIENT);
    // A server connection's destination is the client's address and the pod's listening port.
    assertThat(perDestination("8101", "local")).as(this::describe).isEqualTo(SERVER_LOCAL);
    assertThat(perDestination("8102", "peer")).as(this::describe).isEqualTo(SERVER_PEER);
    assertThat(perDestination("8103", "reset")).isEqualTo(SERVER_RESET);
    for (String port : new String[] {"7101", "7102", "7103", "7104", "8101", "8102", "8103"}) {
      double total = m.sum("sockscope_tcp_peer_closes_total", "peer", PEER, "port", port);
      // every end of each destination counted once, whatever initiator it was given
      assertThat(total).as(port).isEqualTo(switch (port) {
        case "7101" -> LOCAL_CLIENT;
        case "7102" -> PEER_CLIENT;
        case "7103" -> HELD;
        case "7104" -> RESET_CLIENT;
        case "8101" -> SERVER_LOCAL;
        case "8102" -> SERVER_PEER;
        default -> SERVER_RESET;
      });
      // one RTT sample per ended connection, leaked CLOSE_WAITs excepted (they have not ended)
      double ended = port.equals("7103") ? HELD - LEAKED : total;
      assertThat(m.sum("sockscope_tcp_peer_rtt_seconds_count", "peer", PEER, "port", port)).as(port).isEqualTo(ended);
    }
    assertThat(m.sum("sockscope_tcp_peer_rtt_seconds_sum", "peer", PEER, "port", "7101")).isPositive();
    assertThat(m.has("sockscope_tcp_peer_retransmits_total")).isTrue();
    assertThat(m.sum("sockscope_series_cut", "family", "sockscope_tcp_peer_closes_total")).isZero();
  }

  @Test
  void totalsAgreeWithTheKernel() throws Exception {
    // The namespace is new: its MIB counters count exactly what happened in it.
    double resets = closes("reset", "client") + closes("reset", "server") + closes("reset", "other");
    assertThat(resets).as(this::describe).isEqualTo(m.sum("sockscope_tcp_kernel_events_total", "event", "estab_resets"));
    double local = closes("local", "client") + closes("local", "server") + closes("local", "other");
    double entered = m.sum("sockscope_tcp_kernel_events_total", "event", "time_wait_entered");
    assertThat(local).isEqualTo(entered);
    // How many twins a reset killed this run (none has expired yet: TIME_WAIT lasts 60 s).
    long twins = pod.ss().stream().filter(l -> l[0].equals("TIME-WAIT")).count();
    System.out.printf("CloseAccountingIT: %d of %.0f TIME_WAIT twins gone before any dump%n",
        (long) entered - twins, entered);
    long closeWait = pod.ss().stream().filter(l -> l[0].equals("CLOSE-WAIT")).count();
    assertThat(closeWait).isEqualTo(LEAKED);
    assertThat(m.sum("sockscope_tcp_sockets", "state", "close_wait", "role", "client")).isEqualTo(LEAKED);
  }
}
