package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The mixin conventions for alerts and recording rules, and a runbook for every alert. */
class RulesLintTest {
  static final String RUNBOOK_BASE =
      "https://github.com/sockscope/sockscope/blob/main/docs/runbooks/";

  @Test
  void alertsFollowTheMixinConventionsAndHaveRunbooks() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode rule : rules(true)) {
      String name = rule.path("alert").asString();
      names.add(name);
      assertThat(name).as("name").matches("Sockscope([A-Z][a-z0-9]+)+");
      assertThat(name.length()).as(name + " length").isLessThanOrEqualTo(40);
      assertThat(rule.path("labels").path("severity").asString()).as(name + " severity")
          .isIn("critical", "warning", "info");
      JsonNode a = rule.path("annotations");
      assertThat(a.path("summary").asString()).as(name + " summary: static sentence")
          .matches("[A-Z].*\\.").doesNotContain("{{");
      assertThat(a.path("description").asString()).as(name + " description: templated")
          .contains("{{ $labels.");
      assertThat(a.path("runbook_url").asString()).as(name + " runbook_url")
          .isEqualTo(RUNBOOK_BASE + name + ".md");
      Path runbook = Repo.root().resolve("docs/runbooks/" + name + ".md");
      assertThat(runbook).as(name + " runbook").exists();
      String text = Files.readString(runbook);
      assertThat(text).as(runbook + " sections")
          .startsWith("# " + name)
          .contains("## Meaning", "## Confirm", "## Fix");
    }
    assertThat(names).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(15);
  }

  @Test
  void everyRunbookBelongsToAnAlert() throws IOException {
    Set<String> alerts = new java.util.HashSet<>();
    rules(true).forEach(r -> alerts.add(r.path("alert").asString() + ".md"));
    try (var files = Files.list(Repo.root().resolve("docs/runbooks"))) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("README.md")))
          .allMatch(alerts::contains, "named after an alert");
    }
  }

  @Test
  void recordingRulesAreNamedLevelMetricOperations() throws IOException {
    for (JsonNode rule : rules(false)) {
      String name = rule.path("record").asString();
      assertThat(name).matches("[a-z_]+:[a-z_]+:[a-z0-9_]+");
      String level = name.substring(0, name.indexOf(':'));
      for (String label : level.split("_")) {
        assertThat(rule.path("expr").asString()).as(name + " aggregates by its level")
            .containsPattern("by \\([^)]*\\b" + label + "\\b");
      }
    }
  }

  private static List<JsonNode> rules(boolean alerts) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (Path p : Repo.ruleFiles()) {
      for (JsonNode g : PromQueries.readYaml(p).path("groups")) {
        assertThat(g.path("name").asString().length()).isLessThanOrEqualTo(40);
        for (JsonNode r : g.path("rules")) {
          if (r.has("alert") == alerts) {
            out.add(r);
          }
        }
      }
    }
    return out;
  }
}
