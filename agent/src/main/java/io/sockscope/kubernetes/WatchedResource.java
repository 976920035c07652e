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
   * are optional (a Role may omit them), and the sidecar's peer names must never gate readiness,
   * because a sidecar's readiness is its application pod's: an API outage or a missing RoleBinding
   * would take the application out of its Services.
   */
  public static Set<WatchedResource> requiredIn(Set<WatchedResource> plan) {
    return plan.contains(INGRESSES)
        ? EnumSet.of(SERVICES, INGRESSES)
        : EnumSet.noneOf(WatchedResource.class);
  }

  /**
   * What a role watches: the sidecar names its peers (Services, EndpointSlices); the namespace
   * prober discovers targets (Services, their EndpointSlices for per-backend probes, Ingresses) and
   * inventories stored certificates (TLS and Opaque Secrets, ConfigMaps); other roles watch
   * nothing here.
   */
  public static Set<WatchedResource> planFor(Role role, KubernetesConfig config) {
    Set<WatchedResource> plan = EnumSet.noneOf(WatchedResource.class);
    if (!config.enabledFor(role)) {
      return plan;
    }
    if (role == Role.SIDECAR && config.peerNames()) {
      plan.add(SERVICES);
      plan.add(ENDPOINTSLICES);
    }
    if (role == Role.NAMESPACE_PROBER) {
      plan.add(SERVICES);
      plan.add(INGRESSES);
      if (config.backendsPerService() > 0) {
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
