package io.sockscope.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.config.AgentConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What depends on the cluster: the Kubernetes version (native sidecar) and lookup (webhook CA). */
class ChartClusterTest {
  private static String notesAt(String kubeVersion, Map<String, Object> sets) {
    KubernetesMockServer server = SharedCluster.crudServer();
    server.init();
    try {
      return new FakeCluster(server, kubeVersion).notes(sets);
    } finally {
      server.destroy();
    }
  }

  @Test
  void nativeSidecarFollowsTheClusterVersion() {
    assertThat(notesAt("1.33.2", Map.of("injector.enabled", true)))
        .contains("Sidecar (native, an init container with restartPolicy: Always)");
    assertThat(notesAt("1.29.0", Map.of()))
        .contains("Sidecar (native, an init container with restartPolicy: Always)");
    assertThat(notesAt("1.28.9", Map.of())).contains("Sidecar (regular container)");
    assertThat(notesAt("1.33.2", Map.of("sidecar.native", false)))
        .contains("Sidecar (regular container)");
  }

  @Test
  void theChartRefusesClustersOlderThan127() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> notesAt("1.26.5", Map.of()))
        .hasMessageContaining("chart requires kubeVersion: >=1.27.0-0");
  }

  @Test
  void explicitNativeSettingReachesInjectorAndSnippet() {
    RenderedChart on = RenderedChart.render(Map.of("injector.enabled", true, "sidecar.native", true));
    AgentConfig injector = ChartTest.parse(on, "shop-sockscope-injector");
    assertThat(injector.injector().nativeSidecar()).isTrue();
    assertThat(on.one(ConfigMap.class, "shop-sockscope-sidecar").getData().get("snippet.yaml"))
        .contains("initContainers:", "restartPolicy: Always");
    RenderedChart off = RenderedChart.render(Map.of("injector.enabled", true, "sidecar.native", false));
    assertThat(ChartTest.parse(off, "shop-sockscope-injector").injector().nativeSidecar()).isFalse();
    assertThat(off.one(ConfigMap.class, "shop-sockscope-sidecar").getData().get("snippet.yaml"))
        .contains("containers:").doesNotContain("initContainers:", "restartPolicy");
  }

  @Test
  void webhookCertificateIsKeptAcrossUpgrades() {
    Map<String, Object> values = Map.of("injector.enabled", true);
    Secret first = RenderedChart.render(values).one(Secret.class, "shop-sockscope-injector-tls");
    Secret second = RenderedChart.render(values).one(Secret.class, "shop-sockscope-injector-tls");
    assertThat(second.getData().get("ca.crt")).as("no Secret yet: a fresh CA each time")
        .isNotEqualTo(first.getData().get("ca.crt"));

    try (KubernetesClient client = SharedCluster.get().client()) {
      client.secrets().inNamespace(RenderedChart.NAMESPACE).resource(new SecretBuilder()
          .withNewMetadata().withName("shop-sockscope-injector-tls").endMetadata()
          .withType("kubernetes.io/tls").withData(first.getData()).build()).create();
      try {
        RenderedChart upgrade = RenderedChart.render(values);
        assertThat(upgrade.one(Secret.class, "shop-sockscope-injector-tls").getData())
            .isEqualTo(first.getData());
        var hook = upgrade.all(MutatingWebhookConfiguration.class).getFirst().getWebhooks().getFirst();
        assertThat(hook.getClientConfig().getCaBundle()).isEqualTo(first.getData().get("ca.crt"));
      } finally {
        client.secrets().inNamespace(RenderedChart.NAMESPACE)
            .withName("shop-sockscope-injector-tls").delete();
      }
    }
  }
}
