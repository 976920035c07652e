package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sources report exactly what ss reports, and what the workload created, state by state. */
class SourcesAgreeWithSsTest {

  @BeforeAll
  static void needsSs() {
    SsCounts.requireSs();
  }

  @Test
  void procfsAgreesWithSsAndTheWorkload() throws Exception {
    try (LoopbackWorkload w = new LoopbackWorkload()) {
      Map<TcpState, Integer> fromProcfs = SsCounts.count(new ProcfsSource(Path.of("/proc")), w::owns);
      Map<TcpState, Integer> fromSs = SsCounts.count(w::owns);
      assertThat(fromProcfs).isEqualTo(LoopbackWorkload.expected());
      assertThat(fromSs).isEqualTo(fromProcfs);
    }
  }

  @Test
  void aggregatorGivesRolesAndDestinations() throws Exception {
    try (LoopbackWorkload w = new LoopbackWorkload()) {
      SocketSnapshot s = aggregate(w, 20);

      assertThat(s.count(0, TcpState.TIME_WAIT, SocketRole.CLIENT))
          .isEqualTo(LoopbackWorkload.CLIENT_TW_TO_A + LoopbackWorkload.CLIENT_TW_TO_B);
      assertThat(s.count(0, TcpState.TIME_WAIT, SocketRole.SERVER)).isEqualTo(LoopbackWorkload.SERVER_TW_ON_A);
      assertThat(s.count(0, TcpState.CLOSE_WAIT, SocketRole.SERVER)).isEqualTo(LoopbackWorkload.CLOSE_WAIT_ON_B);
      String portA = String.valueOf(w.a.getLocalPort());
      String portB = String.valueOf(w.b.getLocalPort());
      assertThat(s.peers()).contains(
          new SocketSnapshot.PeerSockets("127.0.0.1", portA, "time_wait", "client", LoopbackWorkload.CLIENT_TW_TO_A),
          new SocketSnapshot.PeerSockets("127.0.0.1", portB, "time_wait", "client", LoopbackWorkload.CLIENT_TW_TO_B),
          new SocketSnapshot.PeerSockets("127.0.0.1", portA, "time_wait", "server", LoopbackWorkload.SERVER_TW_ON_A));
      // client ports held toward A: 3 ESTABLISHED + 4 TIME_WAIT; toward B: 2 TIME_WAIT + 2 FIN_WAIT2
      assertThat(s.ephemeralInUse()).contains(
          new SocketSnapshot.PortsInUse("127.0.0.1", portA, LoopbackWorkload.ESTABLISHED_PAIRS + LoopbackWorkload.CLIENT_TW_TO_A),
          new SocketSnapshot.PortsInUse("127.0.0.1", portB, LoopbackWorkload.CLIENT_TW_TO_B + LoopbackWorkload.CLOSE_WAIT_ON_B));
      assertThat(s.listenQueues()).extracting(SocketSnapshot.ListenQueue::port)
          .contains(w.a.getLocalPort(), w.b.getLocalPort());
    }
  }

  @Test
  void topKFoldsTheRestIntoOther() throws Exception {
    try (LoopbackWorkload w = new LoopbackWorkload()) {
      SocketSnapshot s = aggregate(w, 1);
      assertThat(s.peers()).extracting(SocketSnapshot.PeerSockets::peer).containsOnly("127.0.0.1", "other");
      long total = s.peers().stream().mapToLong(SocketSnapshot.PeerSockets::count).sum();
      // every non-LISTEN socket of the workload is in exactly one peer series
      assertThat(total).isEqualTo(LoopbackWorkload.expected().values().stream().mapToInt(i -> i).sum() - 2);
    }
  }

  /** One dump of the workload's sockets (procfs), folded as the sampler folds it. */
  private static SocketSnapshot aggregate(LoopbackWorkload w, int topK) throws java.io.IOException {
    SocketAggregator agg = new SocketAggregator(new CloseTracker());
    agg.begin(0, EphemeralPorts.read(Path.of("/proc")));
    new ProcfsSource(Path.of("/proc")).dump(TcpState.ALL_STATES, row -> {
      if (w.owns(row.localPort, row.remotePort)) {
        agg.accept(row);
      }
    });
    agg.endDump();
    return agg.build("procfs", 0, PeerNamer.IP, topK);
  }
}
