package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.it.AgentProcess;
import io.sockscope.it.PromText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * End to end: the agent jar with its built-in demo workload, a real Prometheus scraping it every
 * second and loading the rule files; every dashboard panel query, variable query and recording rule,
 * evaluated through the HTTP API, returns at least one series, and every metric the dashboards and
 * rules use is exported. Queries that need metrics the local role cannot have are listed with the
 * reason; metrics not exported yet are listed as pending and the test fails once they appear, so
 * the list only shrinks.
 */
class DashboardQueriesIT {
  /** Need Kubernetes objects: evaluated against the namespace prober by KubernetesPanelsIT. */
  static final Map<String, String> NEEDS_KUBERNETES = Map.of(
      "sockscope_tls_secret_cert_not_after_timestamp_seconds", "KubernetesPanelsIT",
      "sockscope_tls_served_cert_matches_secret", "KubernetesPanelsIT",
      "sockscope_kubernetes_watch_synced", "KubernetesPanelsIT",
      "sockscope_kubernetes_errors_total", "KubernetesPanelsIT");

  /**
   * Need a namespace prober that resolves Services to backend pods (EndpointSlices) and owners, or
   * reads certificates stored outside TLS Secrets: covered by the tests named, neither by the demo
   * nor by KubernetesPanelsIT's API server.
   */
  static final Map<String, String> NEEDS_BACKENDS = Map.of(
      "sockscope_tls_backend_info", "BackendParityTest",
      "sockscope_tls_secret_backends", "BackendParityTest",
      "sockscope_tls_secret_owner_info", "BackendParityTest",
      "sockscope_tls_target_owner_info", "BackendParityTest",
      "sockscope_tls_stored_cert_not_after_timestamp_seconds", "StoredCertificatesTest");

  /**
   * Alerts whose condition the demo workload creates at once: a certificate expired an hour ago,
   * a 6-day certificate with 1 day left, a certificate for the wrong host name, a certificate file
   * whose Secret was renewed while the file and the served certificate were not. Prometheus shows
   * them in ALERTS (pending or firing) on its first evaluation; `for` is not waited out.
   */
  static final List<String> DEMO_ALERTS = List.of(
      "SockscopeTlsCertExpired", "SockscopeTlsCertExpiringSoon", "SockscopeTlsVerifyFailed",
      "SockscopeCertificateFileStale"); // the demo's subPath-style file beside a renewed Secret

  /** Not exported on this branch yet (their components are separate issues). */
  static final Map<String, String> PENDING = pending();

  /** Recording rule name → its expression: a rule over a pending metric is excused too. */
  private static final Map<String, String> RECORDED = recorded();

  /** Metrics a dashboard uses that the agent cannot export yet, with the reason; empty today. */
  private static Map<String, String> pending() {
    Map<String, String> out = new LinkedHashMap<>();
    return out;
  }

  @Test
  void everyQueryReturnsSeriesAgainstTheRealAgent(@TempDir Path dir) throws Exception {
    Path prometheus = Tools.require("prometheus");
    int port = AgentProcess.freePort();
    try (AgentProcess agent = AgentProcess.start(List.of(), "http://127.0.0.1:" + port,
            "demo", "--port", Integer.toString(port));
        PrometheusServer prom = PrometheusServer.start(prometheus, dir, "127.0.0.1:" + port,
            Map.of("namespace", "demo", "pod", "sockscope-demo"), Repo.ruleFiles())) {
      agent.awaitReady(Duration.ofSeconds(30));
      prom.awaitReady(Duration.ofSeconds(30));

      // Poll until every query has a series and every used metric is exported (the first TLS
      // probes and rate windows need a few seconds), then assert on the last round.
      List<PromQueries.Query> queries = PromQueries.all();
      List<String> failures;
      Set<String> exported;
      Set<String> missing;
      long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
      do {
        Thread.sleep(2000);
        exported = exportedNames(agent.scrape());
        missing = missingMetrics(exported);
        failures = emptyQueries(prom, queries);
        failures.addAll(silentDemoAlerts(prom, queries));
        failures.addAll(demoClosesNotSeen(prom));
      } while ((!failures.isEmpty() || !missing.isEmpty()) && System.nanoTime() < deadline);
      assertThat(missing).as("used by dashboards/rules but not exported by the agent").isEmpty();
      assertThat(PENDING.keySet()).as("exported now: remove from PENDING")
          .noneMatch(exported::contains);
      assertThat(failures).as("queries without a series\n" + agent.log()).isEmpty();
      List<PromQueries.Query> evaluable = queries.stream()
          .filter(q -> q.kind() != PromQueries.Kind.ALERT).toList();
      List<PromQueries.Query> excused = evaluable.stream().filter(q -> excused(q.expr())).toList();
      System.out.printf("DashboardQueriesIT: %d queries returned series, %d excused:%n",
          evaluable.size() - excused.size(), excused.size());
      excused.forEach(q -> System.out.println("  " + q.where() + " (" + reason(q.expr()) + ")"));
      assertThat(evaluable.size() - excused.size()).as("queries evaluated").isGreaterThan(25);

      for (JsonNode group : prom.rules()) {
        for (JsonNode rule : group.path("rules")) {
          assertThat(rule.path("health").asString()).as(rule.path("name").asString()
              + " " + rule.path("lastError").asString()).isIn("ok", "unknown");
        }
      }
    }
  }

  /**
   * Every outcome the demo creates, as "initiator role": clients that close first (5/s, the
   * churn), are closed by the server after 12 s, or abort with a RST; the servers on the other
   * end of each.
   */
  static final List<String> DEMO_CLOSES = List.of("local client", "peer client", "reset client",
      "local server", "peer server", "reset server");

  /**
   * The close split of the demo against what it does: each outcome counted, and `unknown` no more
   * than the close events lost (it is only for those).
   */
  private static List<String> demoClosesNotSeen(PrometheusServer prom) throws Exception {
    String unknownBeyondLost = "sum(sockscope_tcp_closes_total{initiator=\"unknown\"})"
        + " > sum(sockscope_tcp_close_events_lost_total)";
    if (excused(unknownBeyondLost)) {
      return List.of(); // the exact split comes with the close events (PENDING)
    }
    Set<String> seen = new TreeSet<>();
    for (JsonNode s : prom.query("sum by (initiator, role) (sockscope_tcp_closes_total) > 0")) {
      seen.add(s.path("metric").path("initiator").asString() + " "
          + s.path("metric").path("role").asString());
    }
    List<String> out = new ArrayList<>();
    DEMO_CLOSES.stream().filter(c -> !seen.contains(c))
        .forEach(c -> out.add("demo closes: no " + c + " close counted; seen " + seen));
    if (!prom.query(unknownBeyondLost).isEmpty()) {
      out.add("demo closes: more unknown closes than close events lost");
    }
    return out;
  }

  /** Metrics a dashboard or rule uses that the agent does not export and no list excuses. */
  private static Set<String> missingMetrics(Set<String> exported) throws Exception {
    Set<String> missing = new TreeSet<>();
    for (String name : MetricNamesDocumentedTest.usedMetrics()) {
      if (!exported.contains(name) && !PENDING.containsKey(name)
          && !NEEDS_KUBERNETES.containsKey(name) && !NEEDS_BACKENDS.containsKey(name)) {
        missing.add(name);
      }
    }
    return missing;
  }

  /** Demo alerts (unless their metrics are excused) that Prometheus does not show in ALERTS. */
  private static List<String> silentDemoAlerts(PrometheusServer prom,
      List<PromQueries.Query> queries) throws Exception {
    List<String> out = new ArrayList<>();
    for (PromQueries.Query q : queries) {
      String name = q.where().substring(q.where().indexOf(" / ") + 3);
      if (q.kind() == PromQueries.Kind.ALERT && DEMO_ALERTS.contains(name) && !excused(q.expr())
          && prom.query("ALERTS{alertname=\"" + name + "\"}").isEmpty()) {
        out.add("alert " + name + " not pending/firing on the demo");
      }
    }
    return out;
  }

  static List<String> emptyQueries(PrometheusServer prom, List<PromQueries.Query> queries)
      throws Exception {
    List<String> out = new ArrayList<>();
    for (PromQueries.Query q : queries) {
      if (q.kind() == PromQueries.Kind.ALERT || excused(q.expr())) {
        continue;
      }
      String expr = q.kind() == PromQueries.Kind.RECORDING_RULE
          ? q.where().substring(q.where().indexOf(" / ") + 3) // the recorded series itself
          : PromQueries.evaluable(q.expr(), "10s");
      if (prom.query(expr).isEmpty()) {
        out.add(q.where() + ": " + expr);
      }
    }
    return out;
  }

  static boolean excused(String expr) {
    return sourceMetrics(expr).stream()
        .anyMatch(n -> PENDING.containsKey(n) || NEEDS_KUBERNETES.containsKey(n)
            || NEEDS_BACKENDS.containsKey(n));
  }

  /** The metrics an expression reads, through the recording rules it uses (a rule over a rule). */
  private static Set<String> sourceMetrics(String expr) {
    Set<String> out = new TreeSet<>();
    for (String n : PromQueries.metricNames(expr)) {
      String recorded = RECORDED.get(n);
      out.addAll(recorded == null ? Set.of(n) : sourceMetrics(recorded));
    }
    return out;
  }

  private static Map<String, String> recorded() {
    Map<String, String> out = new LinkedHashMap<>();
    try {
      for (PromQueries.Query q : PromQueries.all()) {
        if (q.kind() == PromQueries.Kind.RECORDING_RULE) {
          out.put(q.where().substring(q.where().indexOf(" / ") + 3), q.expr());
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  private static String reason(String expr) {
    return sourceMetrics(expr).stream()
        .map(n -> PENDING.getOrDefault(n, NEEDS_KUBERNETES.getOrDefault(n, NEEDS_BACKENDS.get(n))))
        .filter(java.util.Objects::nonNull).distinct().reduce((a, b) -> a + "; " + b).orElse("");
  }

  static Set<String> exportedNames(PromText scrape) {
    Set<String> out = new TreeSet<>();
    scrape.samples().forEach(s -> out.add(s.name()));
    return out;
  }
}
