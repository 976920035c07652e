package io.sockscope.kubernetes;

import io.sockscope.config.KubernetesConfig;
import io.sockscope.config.Role;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The namespaced resources sockscope lists and watches; the {@code resource} label. */
public enum WatchedResource {
  SERVICES,
  ENDPOINTSLICES,
  INGRESSES,
  /** Secrets of type kubernetes.io/tls. */
  SECRETS,
  /** Secrets of type Opaque: PEM, PKCS#12 and JKS certificates. */
  OPAQUE_SECRETS,
  /** CA bundles. */
  CONFIGMAPS;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * What {@code /readyz} waits for. Only discovery (the prober's Services and Ingresses): Secrets
   * are optional (a Role may omit them), and peer names (EndpointSlices) are a nicety: the
   * sidecars keep the last published table while the prober's watch recovers.
   */
  public static Set<WatchedResource> requiredIn(Set<WatchedResource> plan) {
    return plan.contains(INGRESSES)
        ? EnumSet.of(SERVICES, INGRESSES)
        : EnumSet.noneOf(WatchedResource.class);
  }

  /**
   * What a role watches: the namespace prober discovers targets (Services, their EndpointSlices
   * for per-backend probes, Ingresses), inventories stored certificates (TLS and Opaque Secrets,
   * ConfigMaps) and names peers for the sidecars (EndpointSlices); other roles watch nothing (the
   * sidecar has no Kubernetes client: it reads the prober's published names).
   */
  public static Set<WatchedResource> planFor(Role role, KubernetesConfig config) {
    Set<WatchedResource> plan = EnumSet.noneOf(WatchedResource.class);
    if (!config.enabledFor(role)) {
      return plan;
    }
    if (role == Role.NAMESPACE_PROBER) {
      plan.add(SERVICES);
      plan.add(INGRESSES);
      if (config.peerNames() || config.backendsPerService() > 0) {
        plan.add(ENDPOINTSLICES);
      }
      if (config.secrets()) {
        plan.add(SECRETS);
        if (config.opaqueSecrets()) {
          plan.add(OPAQUE_SECRETS);
        }
      }
      if (config.configMaps()) {
        plan.add(CONFIGMAPS);
      }
    }
    return plan;
  }
}
