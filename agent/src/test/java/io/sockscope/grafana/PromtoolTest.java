package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules pass promtool's checks and unit tests; every dashboard query parses. */
class PromtoolTest {

  @Test
  void ruleFilesPassPromtoolCheck() throws Exception {
    Path promtool = Tools.require("promtool");
    List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "check", "rules"));
    Repo.ruleFiles().forEach(p -> cmd.add(p.toString()));
    Tools.Result r = Tools.run(cmd, Repo.root());
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).contains("SUCCESS");
  }

  @Test
  void ruleUnitTestsPass() throws Exception {
    Path promtool = Tools.require("promtool");
    List<String> cmd = new ArrayList<>(List.of(promtool.toString(), "test", "rules"));
    Repo.ruleTests().forEach(p -> cmd.add(p.toString()));
    Tools.Result r = Tools.run(cmd, Repo.root().resolve("grafana/rules/tests"));
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(r.output()).doesNotContain("FAILED");
  }

  /** Each alert has a unit test that expects it to fire and one evaluation where it is silent. */
  @Test
  void everyAlertIsTestedFiringAndSilent() throws IOException {
    Set<String> alerts = new HashSet<>();
    for (Path p : Repo.ruleFiles()) {
      PromQueries.rules(p).stream().filter(q -> q.kind() == PromQueries.Kind.ALERT)
          .forEach(q -> alerts.add(q.where().substring(q.where().indexOf(" / ") + 3)));
    }
    Set<String> firing = new HashSet<>();
    Set<String> silent = new HashSet<>();
    Pattern test = Pattern.compile(
        "alertname: (\\w+)\\n(\\s+exp_alerts:\\n\\s+- exp_labels)?");
    for (Path p : Repo.ruleTests()) {
      Matcher m = test.matcher(Files.readString(p));
      while (m.find()) {
        (m.group(2) != null ? firing : silent).add(m.group(1));
      }
    }
    assertThat(firing).as("alerts tested firing").containsAll(alerts);
    assertThat(silent).as("alerts tested silent").containsAll(alerts);
    Set<String> records = new HashSet<>();
    for (Path p : Repo.ruleFiles()) {
      PromQueries.rules(p).stream().filter(q -> q.kind() == PromQueries.Kind.RECORDING_RULE)
          .forEach(q -> records.add(q.where().substring(q.where().indexOf(" / ") + 3)));
    }
    String tests = String.join("\n", Repo.ruleTests().stream().map(PromtoolTest::read).toList());
    for (String r : records) {
      assertThat(tests).as("recording rule %s has an expected value", r)
          .contains("- expr: " + r + "\n");
    }
  }

  /** promtool parses each dashboard query, variables substituted, as a recording rule. */
  @Test
  void dashboardQueriesParse(@TempDir Path dir) throws Exception {
    Path promtool = Tools.require("promtool");
    StringBuilder y = new StringBuilder("groups:\n  - name: dashboards\n    rules:\n");
    int i = 0;
    for (Path p : Repo.dashboards()) {
      for (PromQueries.Query q : PromQueries.dashboard(p)) {
        String expr = PromQueries.evaluable(q.expr(), "1m");
        y.append("      - record: dashboard:query").append(i++).append(":x\n")
            .append("        expr: '").append(expr.replace("'", "''")).append("'\n");
      }
    }
    Path file = Files.writeString(dir.resolve("dashboards.yaml"), y);
    Tools.Result r = Tools.run(List.of(promtool.toString(), "check", "rules", file.toString()), dir);
    assertThat(r.exitCode()).as(r.output()).isZero();
    assertThat(i).isGreaterThan(30);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
