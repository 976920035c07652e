package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every metric the dashboards and rules query is in docs/metrics.md, so a rename shows up here;
 * the end-to-end test (DashboardQueriesIT) then proves the agent exports them.
 */
class MetricNamesDocumentedTest {
  /** Series Prometheus makes itself for every target. */
  static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds",
      "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added");

  @Test
  void everyQueriedMetricIsDocumented() throws IOException {
    Set<String> documented = new HashSet<>();
    List<String> prefixes = new ArrayList<>();
    Matcher m = Pattern.compile("`([a-z_:]+\\*?)`")
        .matcher(Files.readString(Repo.root().resolve("docs/metrics.md")));
    while (m.find()) {
      String n = m.group(1);
      if (n.endsWith("*")) {
        prefixes.add(n.substring(0, n.length() - 1));
      } else {
        documented.add(n);
      }
    }
    Set<String> missing = new TreeSet<>();
    Set<String> used = usedMetrics();
    for (String name : used) {
      String base = name.replaceFirst("_(bucket|sum|count)$", "");
      boolean ok = documented.contains(name) || documented.contains(base)
          || prefixes.stream().anyMatch(name::startsWith);
      if (!ok) {
        missing.add(name);
      }
    }
    assertThat(missing).as("metrics used by dashboards/rules but not in docs/metrics.md").isEmpty();
    assertThat(used).contains("sockscope_tcp_sockets", "sockscope_tls_probe_success",
        "jvm_memory_used_bytes");
  }

  /** Metric names queried by dashboards and rules: recording-rule outputs and synthetic series excluded. */
  static Set<String> usedMetrics() throws IOException {
    Set<String> out = new TreeSet<>();
    for (PromQueries.Query q : PromQueries.all()) {
      for (String n : PromQueries.metricNames(q.expr())) {
        if (!n.contains(":") && !SYNTHETIC.contains(n)) {
          out.add(n);
        }
      }
    }
    return out;
  }
}
