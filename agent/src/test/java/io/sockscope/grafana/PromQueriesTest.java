package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The PromQL reading helpers the lint and end-to-end tests rely on. */
class PromQueriesTest {

  @Test
  void metricNamesSkipLabelsFunctionsKeywordsAndStrings() {
    String e = "histogram_quantile(0.95, sum by (target, le) (rate(a_bucket{x=\"b_total\"}[5m])))"
        + " / on (target) group_left (c) max without (d) (b_total offset 5m) and bool 1e3 > time()";
    assertThat(PromQueries.metricNames(e)).containsExactly("a_bucket", "b_total");
  }

  @Test
  void enclosingFunctionsSeeThroughGroupingClauses() {
    String e = "histogram_quantile(0.95, sum by (target, le) (rate(a_bucket[5m])))";
    int at = e.indexOf("a_bucket");
    assertThat(PromQueries.enclosingFunctions(e, at))
        .containsExactly("rate", "sum", "histogram_quantile");
    String bare = "sum(x_total) / sum(rate(x_total[1m]))";
    assertThat(DashboardLintTest.counterProblems(
        new PromQueries.Query("q", bare, PromQueries.Kind.PANEL)))
        .containsExactly("q: counter x_total outside rate/increase");
  }

  @Test
  void evaluableReplacesGrafanaVariables() {
    assertThat(PromQueries.evaluable(
        "rate(a{namespace=~\"$namespace\", pod=~\"${pod}\"}[$__rate_interval])", "1m"))
        .isEqualTo("rate(a{namespace=~\".*\", pod=~\".*\"}[1m])");
  }
}
