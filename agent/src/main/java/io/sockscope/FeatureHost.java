package io.sockscope;

import io.sockscope.http.StatusPage;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.metrics.ProbeEndpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the process gives its features: the one metric registry, readiness, the sections of the
 * status page and of the JSON snapshot, the ad-hoc probe route, and the stack of things to close.
 */
final class FeatureHost {
  private final MetricsRegistry metrics;
  private final Readiness readiness = new Readiness();
  private final Map<String, Supplier<Object>> snapshot = new LinkedHashMap<>();
  private final List<Supplier<StatusPage.Section>> sections = new ArrayList<>();
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private ProbeEndpoint probe;

  FeatureHost(MetricsRegistry metrics) {
    this.metrics = metrics;
  }

  MetricsRegistry metrics() {
    return metrics;
  }

  Readiness readiness() {
    return readiness;
  }

  /** A section of {@code /api/v1/snapshot} (public facts only). */
  void snapshot(String name, Supplier<Object> section) {
    snapshot.put(name, section);
  }

  Map<String, Supplier<Object>> snapshotSections() {
    return snapshot;
  }

  /** A section of the status page, rendered per request. */
  void status(Supplier<StatusPage.Section> section) {
    sections.add(section);
  }

  List<StatusPage.Section> statusSections() {
    return sections.stream().map(Supplier::get).toList();
  }

  /** The {@code /probe} route (the TLS feature serves it). */
  void serveProbe(ProbeEndpoint endpoint) {
    probe = endpoint;
  }

  Optional<ProbeEndpoint> probe() {
    return Optional.ofNullable(probe);
  }

  /** Closed when the agent stops, most recent first. */
  <T extends AutoCloseable> T closeOnStop(T c) {
    closeables.push(c);
    return c;
  }

  /** Closes everything, most recent first; a failure to close one never stops the others. */
  void closeAll(System.Logger logger) {
    while (!closeables.isEmpty()) {
      AutoCloseable c = closeables.pop();
      try {
        c.close();
      } catch (Exception e) {
        logger.log(System.Logger.Level.WARNING, "stopping " + c.getClass().getSimpleName() + ": " + e);
      }
    }
  }
}
