package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.model.jackson.Jackson2JdkTypesModule;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one way sockscope builds its Kubernetes client, lean because the sidecar pays for it in every
 * pod (docs/performance.md, "Sidecar footprint"):
 *
 * <ul>
 *   <li>HTTP over the JDK's {@code java.net.http}, named rather than discovered, instead of
 *       Fabric8's default Vert.x/Netty client (−10 MiB resident in the sidecar role);
 *   <li>a deserializer that knows only the kinds sockscope reads. Fabric8's default one, on the
 *       first watch event, loads every model class its ServiceLoader lists (~350 kinds, ~700
 *       classes from gateway API to storage) to map kind names to classes.
 * </ul>
 */
public final class KubernetesClients {
  /** What the informers receive in watch events ({@code Status}: a watch error such as 410 Gone). */
  static final List<Class<? extends KubernetesResource>> KINDS =
      List.of(Service.class, EndpointSlice.class, Ingress.class, Secret.class, Status.class,
          // ConfigMap: CA bundles, and the peer-name table the prober reads back before a patch
          ConfigMap.class);

  private KubernetesClients() {}

  /** Fabric8's auto-configuration: in-cluster service account, KUBECONFIG or KUBERNETES_MASTER. */
  public static KubernetesClient create() {
    return builder().build();
  }

  /** A client for an explicit configuration (tests, a mock API server). */
  public static KubernetesClient create(Config config) {
    return builder().withConfig(config).build();
  }

  private static KubernetesClientBuilder builder() {
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new JdkHttpClientFactory())
        .withKubernetesSerialization(serialization());
  }

  static KubernetesSerialization serialization() {
    // The mapper Fabric8's default constructor builds, without the class-path scan (false).
    var mapper = JsonMapper.builderWithJackson2Defaults().addModule(new Jackson2JdkTypesModule()).build();
    var serialization = new KubernetesSerialization(mapper, false);
    KINDS.forEach(serialization::registerKubernetesResource);
    return serialization;
  }
}
