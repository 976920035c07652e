package io.sockscope.kubernetes;

import io.sockscope.config.KubernetesConfig;
import io.sockscope.config.Role;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The namespaced resources sockscope lists and watches; the {@code resource} label. Secrets are
 * optional: a namespace that denies them still gets discovery, and readiness does not wait on them.
 */
public enum WatchedResource {
  SERVICES(true),
  ENDPOINTSLICES(true),
  INGRESSES(true),
  SECRETS(false);

  private final boolean required;

  WatchedResource(boolean required) {
    this.required = required;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code /readyz} waits until this resource's informer has synced. */
  public boolean required() {
    return required;
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
