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
  SECRETS;

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
   * prober discovers targets (Services, Ingresses) and inventories TLS Secrets; other roles
   * watch nothing here.
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
      if (config.secrets()) {
        plan.add(SECRETS);
      }
    }
    return plan;
  }
}
