package io.sockscope.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.sockscope.config.AgentConfig;
import io.sockscope.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart through the real Helm engine: lint, every values file, the checklist of the issue. */
class ChartTest {
  /** Namespaced kinds this chart may create; anything else would need review. */
  private static final Set<String> CLUSTER_SCOPED = Set.of("MutatingWebhookConfiguration",
      "ClusterRole", "ClusterRoleBinding", "Namespace", "CustomResourceDefinition",
      "ValidatingWebhookConfiguration", "PriorityClass", "StorageClass");

  static Stream<Path> valuesFiles() throws IOException {
    try (var files = Files.list(RenderedChart.chart().resolve("ci"))) {
      return files.filter(p -> p.toString().endsWith("-values.yaml")).sorted().toList().stream();
    }
  }

  @Test
  void lintStrictPasses() {
    LintResult result =
        SharedCluster.call(() -> new Helm(RenderedChart.chart()).lint().strict().call());
    assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
  }

  @Test
  void chartYamlMatchesTheAgent() throws IOException {
    String chart = Files.readString(RenderedChart.chart().resolve("Chart.yaml"));
    String pom = Files.readString(RenderedChart.repo().resolve("pom.xml"));
    String version = pom.replaceAll("(?s).*?<artifactId>sockscope-parent</artifactId>\\s*"
        + "<version>([^<]+)</version>.*", "$1");
    assertThat(chart).contains("apiVersion: v2")
        .contains("kubeVersion: \">=1.27.0-0\"")
        .contains("appVersion: \"" + version + "\"");
  }

  /**
   * Every key of values.yaml has a comment line above it, unless an ancestor's {@code # --}
   * comment documents its whole default (e.g. securityContext).
   */
  @Test
  void everyValuesKeyIsCommented() throws IOException {
    List<String> lines = Files.readAllLines(RenderedChart.chart().resolve("values.yaml"));
    var key = java.util.regex.Pattern.compile("^(\\s*)([A-Za-z0-9_./-]+):");
    List<Integer> documentedAncestors = new ArrayList<>(); // indents of `# --` keys above
    List<String> missing = new ArrayList<>();
    boolean commented = false;
    boolean helmDocs = false; // the comment block above starts with "# --"
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("#")) {
        helmDocs = commented ? helmDocs : t.startsWith("# --");
        commented = true;
        continue;
      }
      var m = key.matcher(line);
      if (m.find()) {
        int indent = m.group(1).length();
        documentedAncestors.removeIf(i -> i >= indent);
        if (!commented && documentedAncestors.isEmpty()) {
          missing.add(t);
        }
        if (helmDocs) {
          documentedAncestors.add(indent);
        }
      }
      if (!t.isEmpty()) {
        commented = false;
        helmDocs = false;
      }
    }
    assertThat(missing).as("values.yaml keys without a comment").isEmpty();
  }

  @ParameterizedTest
  @MethodSource("valuesFiles")
  void everyValuesFileRendersAndMeetsTheChecklist(Path values) {
    RenderedChart c = RenderedChart.render(values, Map.of());
    assertThat(c.objects()).isNotEmpty();
    assertChecklist(c, values.getFileName().toString().startsWith("injector"));
    // Every agent config the chart renders loads in the agent (chart and agent cannot drift).
    List<ConfigMap> configs = c.all(ConfigMap.class).stream()
        .filter(cm -> cm.getData() != null && cm.getData().containsKey("config.yaml")).toList();
    assertThat(configs).isNotEmpty();
    for (ConfigMap cm : configs) {
      parse(c, cm.getMetadata().getName());
    }
  }

  @Test
  void defaultsCreateOnlyNamespacedObjects() {
    RenderedChart c = RenderedChart.render(Map.of());
    assertThat(c.objects()).extracting(HasMetadata::getKind).containsExactlyInAnyOrder(
        "ServiceAccount", "ConfigMap", "ConfigMap", "Role", "RoleBinding", "Service",
        "Deployment");
    assertThat(c.objects()).allSatisfy(o ->
        assertThat(o.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE));
    assertChecklist(c, false);
  }

  @Test
  void roleIsLeastPrivilegeAndSecretsAndConfigMapsAreSwitchable() {
    Role withSecrets = RenderedChart.render(Map.of()).one(Role.class, "shop-sockscope");
    assertThat(rules(withSecrets)).containsExactlyInAnyOrder(
        "/services:get,list,watch", "discovery.k8s.io/endpointslices:get,list,watch",
        "networking.k8s.io/ingresses:get,list,watch", "/secrets:get,list,watch",
        "/configmaps:get,list,watch", "/configmaps:get,update,patch", "/configmaps:create");
    // The only write: the peer-name ConfigMap, by name (create cannot be limited to a name).
    assertThat(withSecrets.getRules()).filteredOn(r -> r.getResources().contains("configmaps")
            && r.getVerbs().contains("update"))
        .singleElement().satisfies(r ->
            assertThat(r.getResourceNames()).containsExactly("shop-sockscope-peer-names"));
    RenderedChart without = RenderedChart.render(Map.of("rbac.secrets", false,
        "rbac.configMaps", false));
    assertThat(rules(without.one(Role.class, "shop-sockscope")))
        .doesNotContain("/secrets:get,list,watch", "/configmaps:get,list,watch").hasSize(5);
    AgentConfig config = proberConfig(without);
    assertThat(config.kubernetes().secrets()).isFalse();
    assertThat(config.kubernetes().configMaps()).isFalse();
    AgentConfig defaults = proberConfig(RenderedChart.render(Map.of()));
    assertThat(defaults.kubernetes().secrets()).isTrue();
    assertThat(defaults.kubernetes().configMaps()).isTrue();
  }

  /**
   * The sidecar needs no API access: whatever the values, every RoleBinding binds the chart's own
   * service account and nothing else (never an application's), and the prober publishes the peer
   * names the sidecars mount.
   */
  @ParameterizedTest
  @MethodSource("valuesFiles")
  void noRbacObjectBindsAnApplicationsServiceAccount(Path values) {
    RenderedChart c = RenderedChart.render(values, Map.of("injector.enabled", true));
    String own = c.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).stream()
        .map(sa -> sa.getMetadata().getName()).findFirst().orElse("shop-sockscope");
    assertThat(c.all(io.fabric8.kubernetes.api.model.rbac.RoleBinding.class))
        .allSatisfy(b -> assertThat(b.getSubjects()).allSatisfy(s -> {
          assertThat(s.getKind()).isEqualTo("ServiceAccount");
          assertThat(s.getName()).isEqualTo(own);
        }));
    assertThat(c.all(Role.class)).extracting(r -> r.getMetadata().getName())
        .containsExactly("shop-sockscope");
    if (c.all(ConfigMap.class).stream().anyMatch(cm -> cm.getMetadata().getName().equals("shop-sockscope"))) {
      assertThat(proberConfig(c).kubernetes().peerNamesConfigMap()).isEqualTo("shop-sockscope-peer-names");
    }
    String sidecar = c.one(ConfigMap.class, "shop-sockscope-sidecar").getData().get("sidecar.json");
    assertThat(sidecar).contains("\"name\":\"shop-sockscope-peer-names\"", "\"optional\":true",
        "\"mountPath\":\"/etc/sockscope/peers\"");
    AgentConfig sidecarConfig = parse(c, "shop-sockscope-sidecar");
    assertThat(sidecarConfig.kubernetes().peerNamesFile()).isEqualTo("/etc/sockscope/peers/peers");
  }

  /** docs/kubernetes.md publishes the Role; the chart renders exactly those rules. */
  @Test
  void roleIsTheOneDocumentedInKubernetesMd() throws IOException {
    String doc = Files.readString(RenderedChart.repo().resolve("docs/kubernetes.md"));
    int start = doc.indexOf("```yaml\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\n");
    assertThat(start).as("docs/kubernetes.md has the Role as a yaml block").isNotNegative();
    String block = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 7));
    Role documented = (Role) RenderedChart.parse(block).stream()
        .filter(o -> o instanceof Role).findFirst().orElseThrow();
    assertThat(rules(RenderedChart.render(Map.of()).one(Role.class, "shop-sockscope")))
        .containsExactlyInAnyOrderElementsOf(rules(documented));
  }

  private static List<String> rules(Role role) {
    List<String> out = new ArrayList<>();
    for (PolicyRule r : role.getRules()) {
      for (String group : r.getApiGroups()) {
        for (String res : r.getResources()) {
          out.add(group + "/" + res + ":" + String.join(",", r.getVerbs()));
        }
      }
    }
    return out;
  }

  @Test
  void renderedConfigsLoadInTheAgent() {
    RenderedChart c = RenderedChart.render(
        RenderedChart.chart().resolve("ci/restricted-values.yaml"), Map.of("injector.enabled", true));
    AgentConfig prober = proberConfig(c);
    assertThat(prober.role().flag()).isEqualTo("namespace-prober");
    assertThat(prober.tls().peerPorts()).containsExactly(443, 8443);
    AgentConfig sidecar = parse(c, "shop-sockscope-sidecar");
    assertThat(sidecar.role().flag()).isEqualTo("sidecar");
    assertThat(sidecar.port()).isEqualTo(9191);
    assertThat(sidecar.sockets().dumpInterval()).hasSeconds(30);
    AgentConfig injector = parse(c, "shop-sockscope-injector");
    assertThat(injector.role().flag()).isEqualTo("injector");
    assertThat(injector.injector().nativeSidecar()).isFalse();
    assertThat(injector.injector().sidecarFile()).isEqualTo("/etc/sockscope/sidecar/sidecar.json");
  }

  static AgentConfig proberConfig(RenderedChart c) {
    return parse(c, "shop-sockscope");
  }

  static AgentConfig parse(RenderedChart c, String configMap) {
    String yaml = c.one(ConfigMap.class, configMap).getData().get("config.yaml");
    return ConfigLoader.parse(yaml, "ConfigMap " + configMap);
  }

  @Test
  void injectorWebhookIsScopedToTheReleaseNamespaceAndFailsOpen() {
    RenderedChart c = RenderedChart.render(Map.of("injector.enabled", true));
    var configs = c.all(MutatingWebhookConfiguration.class);
    assertThat(configs).hasSize(1);
    MutatingWebhook hook = configs.getFirst().getWebhooks().getFirst();
    assertThat(hook.getNamespaceSelector().getMatchLabels())
        .containsExactly(Map.entry("kubernetes.io/metadata.name", RenderedChart.NAMESPACE));
    assertThat(hook.getObjectSelector().getMatchLabels())
        .containsExactly(Map.entry("sockscope.io/inject", "true"));
    assertThat(hook.getObjectSelector().getMatchExpressions()).singleElement()
        .satisfies(e -> assertThat(e.getKey() + " " + e.getOperator())
            .isEqualTo("sockscope.io/component DoesNotExist"));
    assertThat(hook.getFailurePolicy()).isEqualTo("Ignore");
    assertThat(hook.getSideEffects()).isEqualTo("None");
    assertThat(hook.getTimeoutSeconds()).isBetween(1, 10);
    assertThat(hook.getReinvocationPolicy()).isEqualTo("IfNeeded");
    assertThat(hook.getAdmissionReviewVersions()).containsExactly("v1");
    assertThat(hook.getClientConfig().getService().getPath()).isEqualTo("/mutate");
    assertThat(hook.getClientConfig().getCaBundle()).isNotBlank();
    // The injector's own pods carry the label the webhook and the injector both skip.
    Deployment injector = c.one(Deployment.class, "shop-sockscope-injector");
    assertThat(injector.getSpec().getTemplate().getMetadata().getLabels())
        .containsKey("sockscope.io/component");
  }

  @Test
  void certManagerModeUsesACertificateAndCaInjection() {
    RenderedChart c = RenderedChart.render(
        Map.of("injector.enabled", true, "injector.certManager.enabled", true));
    MutatingWebhookConfiguration mwc = c.all(MutatingWebhookConfiguration.class).getFirst();
    assertThat(mwc.getMetadata().getAnnotations())
        .containsEntry("cert-manager.io/inject-ca-from", "checkout/shop-sockscope-injector");
    assertThat(mwc.getWebhooks().getFirst().getClientConfig().getCaBundle()).isNull();
    assertThat(c.kind("Certificate")).hasSize(1);
    assertThat(c.kind("Issuer")).hasSize(1);
    assertThat(c.kind("Secret")).isEmpty();
  }

  /** The checks every rendering must pass. */
  static void assertChecklist(RenderedChart c, boolean injector) {
    assertThat(c.objects()).extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    List<String> clusterScoped = c.objects().stream().map(HasMetadata::getKind)
        .filter(CLUSTER_SCOPED::contains).toList();
    assertThat(clusterScoped).isEqualTo(injector ? List.of("MutatingWebhookConfiguration") : List.of());
    for (Deployment d : c.all(Deployment.class)) {
      assertThat(d.getSpec().getSelector().getMatchLabels()).doesNotContainKey("helm.sh/chart");
      assertRestricted(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec());
    }
    for (HasMetadata o : c.objects()) {
      if (o instanceof io.fabric8.kubernetes.api.model.Service s) {
        assertThat(s.getSpec().getSelector()).doesNotContainKey("helm.sh/chart");
      }
      if (o instanceof GenericKubernetesResource g && g.getKind().endsWith("Monitor")) {
        Map<String, Object> selector = g.get("spec", "selector");
        assertThat(String.valueOf(selector)).doesNotContain("helm.sh/chart");
      }
    }
  }

  /** Pod Security Standards "restricted", plus what this project adds (read-only root, /tmp). */
  static void assertRestricted(String where, PodSpec pod) {
    assertThat(pod.getHostNetwork()).as(where).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostPID()).as(where).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostIPC()).as(where).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getVolumes()).as(where).allSatisfy(v -> assertThat(v.getHostPath()).isNull());
    assertThat(pod.getSecurityContext().getRunAsUser()).as(where + ": no fixed UID").isNull();
    List<Container> all = new ArrayList<>(pod.getContainers());
    if (pod.getInitContainers() != null) {
      all.addAll(pod.getInitContainers());
    }
    for (Container container : all) {
      assertRestricted(where + "/" + container.getName(), container);
    }
  }

  static void assertRestricted(String where, Container container) {
    SecurityContext sc = container.getSecurityContext();
    assertThat(sc).as(where).isNotNull();
    assertThat(sc.getRunAsNonRoot()).as(where + " runAsNonRoot").isTrue();
    assertThat(sc.getRunAsUser()).as(where + ": no fixed UID").isNull();
    assertThat(sc.getAllowPrivilegeEscalation()).as(where).isFalse();
    assertThat(sc.getPrivileged()).as(where).isNotEqualTo(Boolean.TRUE);
    assertThat(sc.getReadOnlyRootFilesystem()).as(where).isTrue();
    assertThat(sc.getCapabilities().getDrop()).as(where).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).as(where).isNullOrEmpty();
    assertThat(sc.getSeccompProfile().getType()).as(where).isEqualTo("RuntimeDefault");
    assertThat(container.getPorts()).as(where).allSatisfy(p -> assertThat(p.getHostPort()).isNull());
    assertThat(container.getVolumeMounts()).as(where + ": writable /tmp")
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }
}
