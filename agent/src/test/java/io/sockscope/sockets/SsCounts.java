package io.sockscope.sockets;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiPredicate;

/** Ground truth: {@code ss -Htan}, parsed. Required under CI=true; skipped elsewhere when absent. */
final class SsCounts {
  private SsCounts() {}

  static boolean available() {
    try {
      return new ProcessBuilder("ss", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  static void requireSs() {
    if (!available()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("ss (iproute2) is required under CI=true");
      }
      assumeTrue(false, "ss not installed");
    }
  }

  /** Per-state counts of the sockets {@code ss -Htan} lists whose ports satisfy {@code owns}. */
  static Map<TcpState, Integer> count(BiPredicate<Integer, Integer> owns) throws IOException, InterruptedException {
    return count(owns, "-a");
  }

  /** The same, with one more ss option (e.g. {@code -4} or {@code -6} to keep one family). */
  static Map<TcpState, Integer> count(BiPredicate<Integer, Integer> owns, String option)
      throws IOException, InterruptedException {
    return countLines(option, (local, peer) -> owns.test(port(local), port(peer)));
  }

  /**
   * Per-state counts of the sockets {@code ss -Htan option} lists whose local and peer columns,
   * as printed ({@code [::1]:8080}, {@code 127.0.0.1:8080}, {@code *:*}), satisfy {@code owns}.
   */
  static Map<TcpState, Integer> countLines(String option, BiPredicate<String, String> owns)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ss", "-Htan", option).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException("ss failed: " + out);
    }
    Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
    for (String line : out.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 5) {
        continue;
      }
      if (owns.test(f[3], f[4])) {
        counts.merge(state(f[0]), 1, Integer::sum);
      }
    }
    return counts;
  }

  static int port(String addr) {
    String p = addr.substring(addr.lastIndexOf(':') + 1);
    return p.equals("*") ? 0 : Integer.parseInt(p);
  }

  static TcpState state(String ss) {
    return switch (ss) {
      case "ESTAB" -> TcpState.ESTABLISHED;
      case "SYN-SENT" -> TcpState.SYN_SENT;
      case "SYN-RECV" -> TcpState.SYN_RECV;
      case "FIN-WAIT-1" -> TcpState.FIN_WAIT1;
      case "FIN-WAIT-2" -> TcpState.FIN_WAIT2;
      case "TIME-WAIT" -> TcpState.TIME_WAIT;
      case "UNCONN", "CLOSE" -> TcpState.CLOSE;
      case "CLOSE-WAIT" -> TcpState.CLOSE_WAIT;
      case "LAST-ACK" -> TcpState.LAST_ACK;
      case "LISTEN" -> TcpState.LISTEN;
      case "CLOSING" -> TcpState.CLOSING;
      default -> throw new IllegalArgumentException("unknown ss state " + ss);
    };
  }

  /** Per-state counts from a source, restricted the same way. */
  static Map<TcpState, Integer> count(SocketSource source, BiPredicate<Integer, Integer> owns) throws IOException {
    Map<TcpState, Integer> counts = new EnumMap<>(TcpState.class);
    source.dump(TcpState.ALL_STATES, r -> {
      if (owns.test(r.localPort, r.remotePort)) {
        TcpState s = r.state == TcpState.NEW_SYN_RECV.code() ? TcpState.SYN_RECV : r.tcpState();
        counts.merge(s, 1, Integer::sum);
      }
    });
    return counts;
  }
}
