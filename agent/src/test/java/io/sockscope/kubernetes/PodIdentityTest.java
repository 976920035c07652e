package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockscope.config.KubernetesConfig;
import io.sockscope.config.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodIdentityTest {
  @TempDir Path dir;

  @Test
  void namespaceFromConfigThenEnvironmentThenServiceAccountFile() throws Exception {
    Path sa = Files.writeString(dir.resolve("namespace"), "from-file\n");
    Map<String, String> env = Map.of("POD_NAMESPACE", "from-env", "POD_NAME", "p-1", "NODE_NAME", "n-1");

    assertThat(PodIdentity.resolve("from-config", env::get, sa))
        .isEqualTo(new PodIdentity("p-1", "from-config", "n-1"));
    assertThat(PodIdentity.resolve(null, env::get, sa).namespace()).isEqualTo("from-env");
    assertThat(PodIdentity.resolve(" ", Map.<String, String>of()::get, sa))
        .isEqualTo(new PodIdentity(null, "from-file", null));
  }

  @Test
  void withoutANamespaceTheErrorIsOneLineAndSaysWhatToSet() {
    assertThatThrownBy(() -> PodIdentity.resolve(null, Map.<String, String>of()::get,
        dir.resolve("missing")))
        .hasMessageContaining("POD_NAMESPACE").hasMessageContaining("kubernetes.namespace")
        .extracting(Throwable::getMessage).asString().doesNotContain("\n");
  }

  @Test
  void eachRoleWatchesOnlyWhatItUses() {
    var defaults = KubernetesConfig.defaults();
    assertThat(WatchedResource.planFor(Role.NAMESPACE_PROBER, defaults)).containsExactly(
        WatchedResource.SERVICES, WatchedResource.ENDPOINTSLICES, WatchedResource.INGRESSES,
        WatchedResource.SECRETS, WatchedResource.OPAQUE_SECRETS, WatchedResource.CONFIGMAPS);
    // Least privilege: no peer names, no backends, no Secrets, no ConfigMaps -> services and
    // ingresses only.
    assertThat(WatchedResource.planFor(Role.NAMESPACE_PROBER,
        KubernetesConfig.certificateSources(false, 0, null, false).withPeerNames(false)))
        .containsExactly(WatchedResource.SERVICES, WatchedResource.INGRESSES);
    // Backends alone need the EndpointSlices; Opaque Secrets need Secrets.
    assertThat(WatchedResource.planFor(Role.NAMESPACE_PROBER,
        KubernetesConfig.certificateSources(null, 20, false, false).withPeerNames(false)))
        .containsExactly(WatchedResource.SERVICES, WatchedResource.ENDPOINTSLICES,
            WatchedResource.INGRESSES, WatchedResource.SECRETS);
    // The sidecar has no Kubernetes client: it reads the names the prober publishes.
    assertThat(WatchedResource.planFor(Role.SIDECAR, defaults)).isEmpty();
    assertThat(WatchedResource.planFor(Role.LOCAL, defaults)).isEmpty();
    assertThat(WatchedResource.planFor(Role.SIDECAR, new KubernetesConfig(null, null, false, null)))
        .isEmpty();
    assertThat(WatchedResource.planFor(Role.NAMESPACE_PROBER,
        new KubernetesConfig(null, null, false, false)))
        .containsExactly(WatchedResource.SERVICES, WatchedResource.ENDPOINTSLICES,
            WatchedResource.INGRESSES, WatchedResource.CONFIGMAPS);
    assertThat(WatchedResource.planFor(Role.NAMESPACE_PROBER,
        new KubernetesConfig(false, null, null, null))).isEmpty();
    assertThat(WatchedResource.requiredIn(WatchedResource.planFor(Role.NAMESPACE_PROBER, defaults)))
        .containsExactly(WatchedResource.SERVICES, WatchedResource.INGRESSES);
    assertThat(WatchedResource.requiredIn(WatchedResource.planFor(Role.SIDECAR, defaults))).isEmpty();
  }
}
