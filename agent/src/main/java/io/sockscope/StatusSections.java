package io.sockscope;

import io.sockscope.http.StatusPage.Figure;
import io.sockscope.http.StatusPage.Section;
import io.sockscope.http.StatusPage.Table;
import io.sockscope.metrics.SocketStatus;
import io.sockscope.sockets.CloseInitiator;
import io.sockscope.sockets.SocketRole;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSnapshot;
import io.sockscope.sockets.TcpState;
import io.sockscope.tls.TargetSummary;
import java.util.Locale;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The status page's sections, built from the services' latest values (no I/O). */
final class StatusSections {
  private StatusSections() {}

  /**
   * Days left, one decimal; an expired certificate says so ("-0.0" was what a certificate expired
   * an hour ago showed; issue 13).
   */
  static String daysLeft(double days) {
    if (days >= 0) {
      return String.format(Locale.ROOT, "%.1f", days);
    }
    String ago = String.format(Locale.ROOT, "%.1f", -days);
    return ago.equals("0.0") ? "expired" : "expired " + ago + " d ago";
  }

  static Section tls(List<TargetSummary> targets) {
    List<List<String>> rows = new ArrayList<>();
    long failing = 0;
    double soonest = Double.MAX_VALUE;
    for (TargetSummary t : targets) {
      failing += t.verified() ? 0 : 1;
      if (t.daysLeft() != null) {
        soonest = Math.min(soonest, t.daysLeft());
      }
      String problem = t.verified() ? "ok"
          : !t.reasons().isEmpty() ? String.join(", ", t.reasons())
          : t.stage() == null ? "not probed yet" : t.stage() + ": " + t.reason();
      rows.add(List.of(t.target(), t.source(), t.protocol(),
          t.daysLeft() == null ? "–" : daysLeft(t.daysLeft()),
          t.verified() ? "yes" : "no", problem,
          t.version() == null ? "–" : t.version(),
          t.handshakeP50() == null ? "–" : String.format(Locale.ROOT, "%.1f ms", t.handshakeP50().toNanos() / 1e6)));
    }
    List<Figure> figures = List.of(
        new Figure("targets", Integer.toString(targets.size()), false),
        new Figure("failing", Long.toString(failing), failing > 0),
        new Figure("soonest expiry", soonest == Double.MAX_VALUE ? "–"
            : soonest < 0 ? daysLeft(soonest) : String.format(Locale.ROOT, "%.1f d", soonest),
            soonest < 7));
    return new Section("TLS endpoints", figures, List.of(new Table("Targets",
        List.of("target", "source", "protocol", "days left", "verified", "reason", "version", "handshake p50"), rows,
        "No TLS targets: add --tls-target HOST:PORT, tls.targets in the configuration, or run in a cluster.")));
  }

  static Section sockets(SocketSampler sampler) {
    SocketSnapshot s = sampler.snapshot();
    if (!sampler.ready()) {
      return new Section("TCP sockets", List.of(), List.of(new Table("Sockets", List.of(), List.of(),
          "Waiting for the first socket dump.")));
    }
    long local = 0;
    long peer = 0;
    for (SocketRole r : SocketRole.values()) {
      local += s.closes(CloseInitiator.LOCAL, r);
      peer += s.closes(CloseInitiator.PEER, r);
    }
    double oldestCw = 0;
    for (SocketRole r : SocketRole.values()) {
      oldestCw = Math.max(oldestCw, s.closeWaitOldest(r));
    }
    List<Figure> figures = new ArrayList<>(List.of(
        new Figure("established", Long.toString(s.count(TcpState.ESTABLISHED)), false),
        new Figure("time_wait", Long.toString(s.count(TcpState.TIME_WAIT)), false),
        new Figure("close_wait", Long.toString(s.count(TcpState.CLOSE_WAIT)), s.count(TcpState.CLOSE_WAIT) > 0),
        new Figure("oldest close_wait", (long) oldestCw + " s", oldestCw > 600),
        new Figure("max port utilization", SocketStatus.percent(s.ephemeralUtilization()), s.ephemeralUtilization() > 0.8),
        new Figure("closed locally", local + peer == 0 ? "–" : SocketStatus.percent((double) local / (local + peer)), false),
        new Figure("sockets scanned", Long.toString(s.scanned()), false)));
    String when = "dump by " + s.source() + " at " + Instant.ofEpochMilli(s.timestampMillis()) + " in "
        + String.format(java.util.Locale.ROOT, "%.1f ms", s.durationNanos() / 1e6);
    return new Section("TCP sockets (" + when + ")", figures, List.of(
        new Table("States by role", List.of("state", "client", "server", "other", "total"),
            SocketStatus.stateRows(s), "No sockets."),
        new Table("TIME_WAIT by peer", List.of("peer", "port", "role", "time_wait"),
            SocketStatus.timeWaitRows(s), "No TIME_WAIT sockets."),
        new Table("How connections ended (since start" + (s.closeEvents().enabled()
                ? ", per connection from destroy events)" : ", from dumps and kernel counters)"),
            List.of("role", "local", "peer", "reset", "unknown", "local share"), SocketStatus.closeRows(s), ""),
        new Table("Ended connections per destination (top " + s.peerCloses().size() + ")",
            List.of("peer", "port", "local", "peer closed", "reset", "retransmits", "mean rtt"),
            SocketStatus.destinationRows(s), "No destroy events yet."),
        new Table("Ephemeral ports per destination (usable: " + s.ephemeralUsable() + ")",
            List.of("peer", "port", "in use", "utilization"), SocketStatus.portRows(s),
            "No client connections.")));
  }
}
