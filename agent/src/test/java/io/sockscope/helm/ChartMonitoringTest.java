package io.sockscope.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/** Monitors, the PrometheusRule built from grafana/rules and the dashboards from grafana/dashboards. */
class ChartMonitoringTest {
  private static final Path MONITORING = RenderedChart.chart().resolve("ci/monitoring-values.yaml");
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final JsonMapper JSON = new JsonMapper();

  /** Every alert of grafana/rules/*.yaml: name → rule. */
  static Map<String, JsonNode> sourceAlerts() throws IOException {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try (var files = Files.list(RenderedChart.repo().resolve("grafana/rules"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode group : YAML.readTree(f.toFile()).path("groups")) {
          for (JsonNode rule : group.path("rules")) {
            if (rule.has("alert")) {
              out.put(rule.get("alert").asString(), rule);
            }
          }
        }
      }
    }
    return out;
  }

  static Map<String, JsonNode> renderedAlerts(RenderedChart c) {
    GenericKubernetesResource rule = c.kind("PrometheusRule").stream()
        .map(GenericKubernetesResource.class::cast).findFirst().orElseThrow();
    JsonNode spec = JSON.valueToTree(rule.getAdditionalProperties().get("spec"));
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode group : spec.path("groups")) {
      for (JsonNode r : group.path("rules")) {
        if (r.has("alert")) {
          out.put(r.get("alert").asString(), r);
        }
      }
    }
    return out;
  }

  @Test
  void chartReadsGrafanaFilesThroughSymlinks() throws IOException {
    for (String dir : List.of("rules", "dashboards")) {
      Path link = RenderedChart.chart().resolve("files/" + dir);
      assertThat(Files.isSymbolicLink(link)).as(link.toString()).isTrue();
      assertThat(link.toRealPath()).isEqualTo(RenderedChart.repo().resolve("grafana/" + dir).toRealPath());
    }
  }

  /** `helm package` resolves the symlinks: the packaged chart carries the files themselves. */
  @Test
  void packagedChartCarriesTheGrafanaFiles(@org.junit.jupiter.api.io.TempDir Path out)
      throws IOException {
    SharedCluster.call(() -> new com.marcnuri.helm.Helm(RenderedChart.chart()).packageIt()
        .withDestination(out).call());
    Path tgz = out.resolve("sockscope-0.1.0.tgz");
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (var tar = new java.util.zip.GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] all = tar.readAllBytes();
      // ustar: 512-byte header (name at 0, octal size at 124), data padded to 512.
      for (int pos = 0; pos + 512 <= all.length; ) {
        String name = new String(all, pos, 100, java.nio.charset.StandardCharsets.US_ASCII)
            .replace("\0", "").strip();
        if (name.isEmpty()) {
          break;
        }
        String octal = new String(all, pos + 124, 12, java.nio.charset.StandardCharsets.US_ASCII)
            .replace("\0", "").strip();
        int size = octal.isEmpty() ? 0 : Integer.parseInt(octal, 8);
        entries.put(name, java.util.Arrays.copyOfRange(all, pos + 512, pos + 512 + size));
        pos += 512 + (size + 511) / 512 * 512;
      }
    }
    for (String dir : List.of("rules", "dashboards")) {
      try (var files = Files.list(RenderedChart.repo().resolve("grafana/" + dir))) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          String entry = "sockscope/files/" + dir + "/" + f.getFileName();
          assertThat(entries).as(entry).containsKey(entry);
          assertThat(entries.get(entry)).isEqualTo(Files.readAllBytes(f));
        }
      }
    }
    assertThat(entries.keySet()).noneMatch(n -> n.startsWith("sockscope/ci/"));
  }

  @Test
  void prometheusRuleHoldsEveryAlertOfTheRuleFiles() throws IOException {
    Map<String, JsonNode> source = sourceAlerts();
    assertThat(source).isNotEmpty();
    RenderedChart c = RenderedChart.render(Map.of("prometheusRule.enabled", true));
    Map<String, JsonNode> rendered = renderedAlerts(c);
    assertThat(rendered.keySet()).containsExactlyInAnyOrderElementsOf(source.keySet());
    source.forEach((name, rule) -> {
      JsonNode out = rendered.get(name);
      assertThat(out.get("expr")).as(name).isEqualTo(rule.get("expr"));
      assertThat(out.get("for")).as(name).isEqualTo(rule.get("for"));
      assertThat(out.path("labels").path("severity")).as(name)
          .isEqualTo(rule.path("labels").path("severity"));
      assertThat(out.path("annotations").path("summary")).isEqualTo(rule.path("annotations").path("summary"));
      assertThat(out.path("annotations").path("runbook_url").asString()).isEqualTo(
          "https://github.com/sockscope/sockscope/blob/main/docs/runbooks/"
              + name + ".md");
    });
    // Recording rules come along unchanged.
    assertThat(c.yaml()).contains("record: ");
  }

  @Test
  void overridesReachTheRule() throws IOException {
    List<String> names = new ArrayList<>(sourceAlerts().keySet());
    assertThat(names).as("needs two alerts to test overrides").hasSizeGreaterThanOrEqualTo(2);
    String tuned = names.get(0);
    String disabled = names.get(1);
    RenderedChart c = RenderedChart.render(Map.of(
        "prometheusRule.enabled", true,
        "prometheusRule.rules." + tuned + ".for", "2h",
        "prometheusRule.rules." + tuned + ".severity", "info",
        "prometheusRule.rules." + disabled + ".enabled", false,
        "prometheusRule.runbookUrl", "https://runbooks.example.com/x/",
        "prometheusRule.additionalRuleLabels.team", "sre"));
    Map<String, JsonNode> rendered = renderedAlerts(c);
    assertThat(rendered).doesNotContainKey(disabled);
    JsonNode rule = rendered.get(tuned);
    assertThat(rule.get("for").asString()).isEqualTo("2h");
    assertThat(rule.path("labels").path("severity").asString()).isEqualTo("info");
    assertThat(rule.path("labels").path("team").asString()).isEqualTo("sre");
    assertThat(rule.path("annotations").path("runbook_url").asString())
        .isEqualTo("https://runbooks.example.com/x/" + tuned + ".md");
  }

  @Test
  void monitoringValuesReachTheMonitors() {
    RenderedChart c = RenderedChart.render(MONITORING, Map.of());
    GenericKubernetesResource sm = (GenericKubernetesResource) c.kind("ServiceMonitor").getFirst();
    assertThat(sm.getMetadata().getLabels()).containsEntry("release", "shop").containsEntry("team", "sre");
    assertThat(String.valueOf((Object) sm.get("spec", "endpoints"))).contains("interval=30s", "port=metrics");
    GenericKubernetesResource pm = (GenericKubernetesResource) c.kind("PodMonitor").getFirst();
    assertThat(pm.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(String.valueOf((Object) pm.get("spec", "podMetricsEndpoints")))
        .contains("port=sockscope-metrics", "interval=15s");
    assertThat(String.valueOf((Object) pm.get("spec", "namespaceSelector"))).contains("checkout");
    assertThat(c.kind("PrometheusRule").getFirst().getMetadata().getNamespace()).isEqualTo("monitoring");
  }

  @Test
  void dashboardsAreConfigMapsWithValidJsonAndStableUids() throws IOException {
    RenderedChart c = RenderedChart.render(MONITORING, Map.of());
    List<ConfigMap> dashboards = c.all(ConfigMap.class).stream()
        .filter(cm -> "1".equals(cm.getMetadata().getLabels().get("grafana_dashboard"))).toList();
    long files;
    try (var s = Files.list(RenderedChart.repo().resolve("grafana/dashboards"))) {
      files = s.filter(p -> p.toString().endsWith(".json")).count();
    }
    assertThat(dashboards).hasSize((int) files).isNotEmpty();
    for (ConfigMap cm : dashboards) {
      assertThat(cm.getMetadata().getNamespace()).isEqualTo("grafana");
      assertThat(cm.getMetadata().getAnnotations()).containsEntry("grafana_folder", "Networking")
          .containsEntry("argocd.argoproj.io/sync-options", "ServerSideApply=true");
      assertThat(cm.getData()).hasSize(1);
      var entry = cm.getData().entrySet().iterator().next();
      JsonNode dashboard = JSON.readTree(entry.getValue());
      String uid = dashboard.path("uid").asString("");
      assertThat(uid).as(entry.getKey()).isNotBlank().hasSizeLessThanOrEqualTo(40);
      // Stable: the uid is the file's own, byte for byte, whatever the release is called.
      JsonNode file = JSON.readTree(RenderedChart.repo().resolve("grafana/dashboards")
          .resolve(entry.getKey()).toFile());
      assertThat(dashboard).isEqualTo(file);
      assertThat(entry.getValue().length()).as("fits a ConfigMap / Argo CD annotation").isLessThan(262144);
    }
    RenderedChart custom = RenderedChart.render(Map.of("grafana.dashboards.enabled", true,
        "grafana.dashboards.label", "dash", "grafana.dashboards.labelValue", "yes"));
    assertThat(custom.all(ConfigMap.class)).anySatisfy(cm ->
        assertThat(cm.getMetadata().getLabels()).containsEntry("dash", "yes"));
  }

  @Test
  void renderedRulesPassPromtool() throws Exception {
    RenderedChart c = RenderedChart.render(MONITORING, Map.of());
    GenericKubernetesResource rule = (GenericKubernetesResource) c.kind("PrometheusRule").getFirst();
    JsonNode spec = JSON.valueToTree(rule.getAdditionalProperties().get("spec"));
    assertThat(spec.path("groups")).allSatisfy(g ->
        assertThat(g.path("interval").asString()).isEqualTo("1m"));
    String promtool = findOnPath("promtool");
    if (promtool == null) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("CI=true but promtool is not installed");
      }
      org.junit.jupiter.api.Assumptions.abort("promtool not installed");
    }
    Path file = Files.createTempFile("sockscope-rules", ".yaml");
    try {
      Files.writeString(file, YAML.writeValueAsString(spec));
      Process p = new ProcessBuilder(promtool, "check", "rules", file.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor()).as(out).isZero();
      assertThat(out).contains("SUCCESS");
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String findOnPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return null;
  }

  @Test
  void monitoringIsOffByDefault() {
    RenderedChart c = RenderedChart.render(Map.of());
    assertThat(c.kind("ServiceMonitor")).isEmpty();
    assertThat(c.kind("PodMonitor")).isEmpty();
    assertThat(c.kind("PrometheusRule")).isEmpty();
    assertThat(c.yaml()).doesNotContain("grafana_dashboard");
  }
}
