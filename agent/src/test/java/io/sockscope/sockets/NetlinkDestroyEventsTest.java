package io.sockscope.sockets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real destroy broadcast on loopback: each kind of end arrives with its 4-tuple and a final
 * tcp_info that tells a graceful end from a reset. The namespace is shared with whatever else
 * runs, so only events of this test's ports are looked at.
 */
class NetlinkDestroyEventsTest {
  private NetlinkDestroyEvents events;
  private final List<long[]> seen = new ArrayList<>(); // localPort, remotePort, acked, segsIn>0

  @BeforeEach
  void open() throws Exception {
    boolean linux = System.getProperty("os.name").toLowerCase().startsWith("linux");
    if (!linux && !"true".equals(System.getenv("CI"))) {
      assumeTrue(false, "Linux only");
    }
    events = NetlinkDestroyEvents.open(1 << 20);
    events.start();
  }

  @AfterEach
  void close() {
    if (events != null) {
      events.close();
    }
  }

  /**
   * Drains the ring until an event of this test's connection came (local port {@code port},
   * remote port {@code remote} unless -1: other processes may reuse a port number), or 10 s.
   */
  private long[] awaitEnd(int port, int remote) throws InterruptedException {
    CloseEventRing ring = events.ring();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      int n = ring.available();
      for (int i = 0; i < n; i++) {
        seen.add(new long[] {ring.localPort(i), ring.remotePort(i), ring.ackedBeyondData(i),
            ring.receivedAny(i) ? 1 : 0, ring.rttMicros(i)});
      }
      ring.release(n);
      for (long[] e : seen) {
        if (e[0] == port && (remote < 0 || e[1] == remote)) {
          return e;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no destroy event for local port " + port + " within 10 s");
  }

  @Test
  void gracefulEndsShowBothFinsAndTheirPorts() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
      Socket accepted = server.accept();
      int clientPort = client.getLocalPort();
      int acceptedPort = accepted.getPort();
      client.getOutputStream().write("hello".getBytes());
      client.close(); // the client closes first: TIME_WAIT on its side
      InputStream in = accepted.getInputStream();
      while (in.read() >= 0) {
        // to EOF
      }
      accepted.close();

      long[] c = awaitEnd(clientPort, server.getLocalPort());
      assertThat(c[1]).isEqualTo(server.getLocalPort());
      assertThat(c[2]).as("client: SYN and FIN acknowledged beyond the data").isEqualTo(2);
      assertThat(c[3]).isEqualTo(1);
      assertThat(c[4]).as("smoothed RTT in µs").isPositive();
      long[] s = awaitEnd(server.getLocalPort(), acceptedPort);
      assertThat(s[2]).as("server: its FIN acknowledged").isEqualTo(1);
    }
    assertThat(events.received()).isPositive();
    assertThat(events.overruns()).isZero();
  }

  @Test
  void aResetLeavesOurFinUnacknowledgedAndAnAbortLosesItsTuple() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Socket client = new Socket(server.getInetAddress(), server.getLocalPort());
      Socket accepted = server.accept();
      int clientPort = client.getLocalPort();
      accepted.setSoLinger(true, 0);
      accepted.close(); // RST to the client
      try {
        client.getInputStream().read();
      } catch (java.io.IOException expected) {
        // connection reset
      }
      client.close();
      long[] c = awaitEnd(clientPort, server.getLocalPort());
      assertThat(c[1]).isEqualTo(server.getLocalPort());
      assertThat(c[2]).as("only the SYN acknowledged: no FIN of ours").isEqualTo(1);
      long[] s = awaitEnd(server.getLocalPort(), 0);
      assertThat(s[1]).as("SO_LINGER 0 clears the remote port before the end").isZero();
    }
  }

  @Test
  void closeDoesNotWaitAndTheThreadFreesTheSocketWhenItWakes() throws Exception {
    var waiting = NetlinkDestroyEvents.open(1 << 16, 1024, 1); // wakes every second
    waiting.start();
    waiting.close();
    waiting.close(); // idempotent
    for (int i = 0; i < 500 && !waiting.released(); i++) {
      Thread.sleep(20);
    }
    assertThat(waiting.released()).as("freed by its thread within 10 s of a 1 s timeout").isTrue();

    var neverStarted = NetlinkDestroyEvents.open(1 << 16, 1024, 1);
    neverStarted.close();
    assertThat(neverStarted.released()).isTrue();
    neverStarted.start(); // after close: no thread, nothing to free twice
    assertThat(neverStarted.released()).isTrue();
  }
}
