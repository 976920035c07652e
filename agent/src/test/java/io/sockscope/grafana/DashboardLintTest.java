package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The dashboards work on any Grafana without editing: a datasource variable and no hard-coded
 * datasource, stable short uids, units everywhere, counters and histograms queried correctly.
 */
class DashboardLintTest {
  /** File name → uid. Never change a uid once released: it is the dashboard's URL. */
  private static final Map<String, String> UIDS = Map.of(
      "pod-sockets.json", "sockscope-pod-sockets",
      "tls-endpoints.json", "sockscope-tls-endpoints",
      "agent-health.json", "sockscope-agent-health");
  private static final Pattern RANGE_FUNCTION =
      Pattern.compile("\\b(rate|irate|increase)\\s*\\(([^\\[]*)\\[([^\\]]*)\\]");

  @Test
  void theThreeDashboardsExistWithStableShortUids() throws IOException {
    assertThat(Repo.dashboards()).extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrderElementsOf(UIDS.keySet());
    for (Path p : Repo.dashboards()) {
      JsonNode d = PromQueries.readJson(p);
      String uid = d.path("uid").asString();
      assertThat(uid).as(p + " uid").isEqualTo(UIDS.get(p.getFileName().toString()));
      assertThat(uid.length()).as(p + " uid length").isLessThanOrEqualTo(40);
      assertThat(d.path("id").isNull()).as(p + " id must be null in files").isTrue();
      assertThat(d.path("title").asString()).as(p + " title").startsWith("sockscope / ");
      assertThat(d.path("schemaVersion").asInt()).as(p + " classic model").isBetween(36, 41);
    }
  }

  @Test
  void oneDatasourceVariableAndNoHardCodedDatasource() throws IOException {
    for (Path p : Repo.dashboards()) {
      String text = Files.readString(p);
      assertThat(text).as(p + ": exported inputs are not substituted by provisioning")
          .doesNotContain("${DS_").doesNotContain("__inputs");
      JsonNode d = PromQueries.readJson(p);
      List<JsonNode> dsVars = new ArrayList<>();
      d.path("templating").path("list").forEach(v -> {
        if ("datasource".equals(v.path("type").asString())) {
          dsVars.add(v);
        }
      });
      assertThat(dsVars).as(p + " datasource variables").hasSize(1);
      assertThat(dsVars.getFirst().path("name").asString()).isEqualTo("datasource");
      assertThat(dsVars.getFirst().path("query").asString()).isEqualTo("prometheus");
      List<String> bad = new ArrayList<>();
      collectDatasources(d, "", bad);
      assertThat(bad).as(p + ": datasource references other than ${datasource}").isEmpty();
    }
  }

  @Test
  void variablesAreLabelValuesQueriesThatFollowTheDatasource() throws IOException {
    Map<String, List<String>> expected = Map.of(
        "pod-sockets.json", List.of("datasource", "namespace", "pod"),
        "tls-endpoints.json", List.of("datasource", "namespace", "target"),
        "agent-health.json", List.of("datasource", "namespace", "pod"));
    for (Path p : Repo.dashboards()) {
      JsonNode d = PromQueries.readJson(p);
      List<String> names = new ArrayList<>();
      for (JsonNode v : d.path("templating").path("list")) {
        names.add(v.path("name").asString());
        if ("query".equals(v.path("type").asString())) {
          assertThat(v.path("query").asString()).as(p + " $" + names.getLast())
              .startsWith("label_values(");
          assertThat(v.path("datasource").path("uid").asString()).isEqualTo("${datasource}");
          assertThat(v.path("refresh").asInt()).as("reload on time range change").isEqualTo(2);
        }
      }
      assertThat(names).as(p + " variables").isEqualTo(expected.get(p.getFileName().toString()));
    }
  }

  @Test
  void everyPanelHasAUnitADescriptionAndFiltersByNamespace() throws IOException {
    for (Path p : Repo.dashboards()) {
      for (JsonNode panel : PromQueries.panels(PromQueries.readJson(p))) {
        if ("row".equals(panel.path("type").asString())) {
          continue;
        }
        String where = p.getFileName() + " / " + panel.path("title").asString();
        assertThat(panel.path("fieldConfig").path("defaults").path("unit").asString())
            .as(where + " unit").isNotBlank();
        assertThat(panel.path("description").asString()).as(where + " description").isNotBlank();
        assertThat(panel.path("targets").isEmpty()).as(where + " has queries").isFalse();
        for (JsonNode t : panel.path("targets")) {
          assertThat(t.path("expr").asString()).as(where + " filters by $namespace")
              .contains("namespace=~\"$namespace\"");
        }
      }
    }
  }

  @Test
  void countersAreRatedAndHistogramsAreQuantilesOfRates() throws IOException {
    List<String> problems = new ArrayList<>();
    for (PromQueries.Query q : PromQueries.all()) {
      problems.addAll(counterProblems(q));
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void dashboardRatesUseTheRateIntervalVariable() throws IOException {
    for (Path p : Repo.dashboards()) {
      for (PromQueries.Query q : PromQueries.dashboard(p)) {
        Matcher m = RANGE_FUNCTION.matcher(q.expr());
        while (m.find()) {
          assertThat(m.group(3)).as(q.where()).isEqualTo("$__rate_interval");
        }
      }
    }
  }

  /** `_total` only inside rate/irate/increase; `_bucket` only in histogram_quantile(…rate(…)). */
  static List<String> counterProblems(PromQueries.Query q) {
    List<String> out = new ArrayList<>();
    for (PromQueries.Hit h : PromQueries.metricHits(q.expr())) {
      List<String> fns = PromQueries.enclosingFunctions(q.expr(), h.start());
      String inner = fns.isEmpty() ? "" : fns.getFirst();
      boolean rated = List.of("rate", "irate", "increase").contains(inner);
      if (h.name().endsWith("_total") && !rated) {
        out.add(q.where() + ": counter " + h.name() + " outside rate/increase");
      }
      if (h.name().endsWith("_bucket") && !(rated && fns.contains("histogram_quantile"))) {
        out.add(q.where() + ": " + h.name() + " outside histogram_quantile(… rate(…))");
      }
    }
    return out;
  }

  private static void collectDatasources(JsonNode node, String path, List<String> bad) {
    if (node.isObject()) {
      for (var e : node.properties()) {
        JsonNode v = e.getValue();
        String at = path + "." + e.getKey();
        if (e.getKey().equals("datasource") && !path.contains("annotations")) {
          boolean ok = v.isObject() && "prometheus".equals(v.path("type").asString())
              && "${datasource}".equals(v.path("uid").asString());
          if (!ok) {
            bad.add(at + " = " + v);
          }
        }
        collectDatasources(v, at, bad);
      }
    } else if (node.isArray()) {
      int i = 0;
      for (JsonNode v : node) {
        collectDatasources(v, path + "[" + i++ + "]", bad);
      }
    }
  }
}
