package io.sockscope.metrics;

import io.sockscope.sockets.CloseInitiator;
import io.sockscope.sockets.SocketRole;
import io.sockscope.sockets.SocketSnapshot;
import io.sockscope.sockets.TcpState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain views of a {@link SocketSnapshot} for people: the status page's socket section (as rows of
 * text) and the JSON snapshot (as nested maps keyed by label values).
 */
public final class SocketStatus {
  private SocketStatus() {}

  /** Socket counts by state and role, summed over families; zero rows left out. */
  public static List<List<String>> stateRows(SocketSnapshot s) {
    List<List<String>> rows = new ArrayList<>();
    for (TcpState st : TcpState.values()) {
      if (st == TcpState.NEW_SYN_RECV) {
        continue;
      }
      long[] byRole = new long[3];
      for (int f = 0; f < 2; f++) {
        for (SocketRole r : SocketRole.values()) {
          byRole[r.ordinal()] += s.count(f, st, r);
        }
      }
      long total = byRole[0] + byRole[1] + byRole[2];
      if (total > 0) {
        rows.add(List.of(st.label(), Long.toString(byRole[0]), Long.toString(byRole[1]),
            Long.toString(byRole[2]), Long.toString(total)));
      }
    }
    return rows;
  }

  /** TIME_WAIT per peer and port, largest first. */
  public static List<List<String>> timeWaitRows(SocketSnapshot s) {
    Map<String, Long> tw = new LinkedHashMap<>();
    for (SocketSnapshot.PeerSockets p : s.peers()) {
      if (p.state().equals("time_wait")) {
        tw.merge(p.peer() + "|" + p.port() + "|" + p.role(), p.count(), Long::sum);
      }
    }
    return tw.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(e -> {
          String[] k = e.getKey().split("\\|");
          return List.of(k[0], k[1], k[2], Long.toString(e.getValue()));
        })
        .toList();
  }

  /** Ephemeral ports held per destination, with the share of the usable range. */
  public static List<List<String>> portRows(SocketSnapshot s) {
    return s.ephemeralInUse().stream()
        .map(p -> List.of(p.peer(), p.port(), Long.toString(p.inUse()),
            percent(s.ephemeralUsable() == 0 ? 0 : (double) p.inUse() / s.ephemeralUsable())))
        .toList();
  }

  /** Closes by initiator and role since the agent started. */
  public static List<List<String>> closeRows(SocketSnapshot s) {
    List<List<String>> rows = new ArrayList<>();
    for (SocketRole r : SocketRole.values()) {
      long local = s.closes(CloseInitiator.LOCAL, r);
      long peer = s.closes(CloseInitiator.PEER, r);
      long reset = s.closes(CloseInitiator.RESET, r);
      long unknown = s.closes(CloseInitiator.UNKNOWN, r);
      rows.add(List.of(r.label(), Long.toString(local), Long.toString(peer), Long.toString(reset),
          Long.toString(unknown), local + peer == 0 ? "–" : percent((double) local / (local + peer))));
    }
    return rows;
  }

  /** Ended connections per top destination (from destroy events), busiest first. */
  public static List<List<String>> destinationRows(SocketSnapshot s) {
    return s.peerCloses().stream()
        .sorted(java.util.Comparator.comparingLong((SocketSnapshot.PeerCloses p) -> -total(p)))
        .map(p -> List.of(p.peer(), p.port(), Long.toString(p.closes(CloseInitiator.LOCAL)),
            Long.toString(p.closes(CloseInitiator.PEER)), Long.toString(p.closes(CloseInitiator.RESET)),
            Long.toString(p.retransmits()),
            p.rttCount() == 0 ? "–" : String.format(Locale.ROOT, "%.2f ms", p.rttSumSeconds() / p.rttCount() * 1000)))
        .toList();
  }

  private static long total(SocketSnapshot.PeerCloses p) {
    long n = 0;
    for (long c : p.closes()) {
      n += c;
    }
    return n;
  }

  public static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  /** The JSON form: {@code states[family][state][role]}, non-zero only, plus the other aggregates. */
  public static Map<String, Object> json(SocketSnapshot s) {
    Map<String, Object> states = new LinkedHashMap<>();
    for (int f = 0; f < 2; f++) {
      Map<String, Object> byState = new LinkedHashMap<>();
      for (TcpState st : TcpState.values()) {
        Map<String, Integer> byRole = new LinkedHashMap<>();
        for (SocketRole r : SocketRole.values()) {
          int n = s.count(f, st, r);
          if (n > 0) {
            byRole.put(r.label(), n);
          }
        }
        if (!byRole.isEmpty()) {
          byState.put(st.label(), byRole);
        }
      }
      states.put(SocketSnapshot.FAMILIES[f], byState);
    }
    Map<String, Object> closes = new LinkedHashMap<>();
    for (CloseInitiator i : CloseInitiator.values()) {
      Map<String, Long> byRole = new LinkedHashMap<>();
      for (SocketRole r : SocketRole.values()) {
        byRole.put(r.label(), s.closes(i, r));
      }
      closes.put(i.label(), byRole);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("timestampMillis", s.timestampMillis());
    out.put("source", s.source());
    out.put("scanned", s.scanned());
    out.put("dumpSeconds", s.durationNanos() / 1e9);
    out.put("states", states);
    out.put("closes", closes);
    out.put("closeEvents", s.closeEvents());
    out.put("peerCloses", s.peerCloses());
    out.put("peers", s.peers());
    out.put("ephemeralPorts", Map.of("usable", s.ephemeralUsable(), "utilization", s.ephemeralUtilization(),
        "inUse", s.ephemeralInUse()));
    Map<String, Double> cw = new LinkedHashMap<>();
    for (SocketRole r : SocketRole.values()) {
      cw.put(r.label(), s.closeWaitOldest(r));
    }
    out.put("closeWaitOldestSeconds", cw);
    out.put("listenQueues", s.listenQueues());
    return out;
  }
}
