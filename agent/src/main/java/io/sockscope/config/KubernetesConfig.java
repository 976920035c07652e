package io.sockscope.config;

/**
 * {@code kubernetes:} section. {@code enabled} defaults to on in the cluster roles and off in the
 * local role; {@code namespace} defaults to {@code POD_NAMESPACE}, then the service-account file.
 */
public record KubernetesConfig(
    Boolean enabled, String namespace, Boolean peerNames, Boolean secrets) {

  public KubernetesConfig {
    peerNames = peerNames == null || peerNames;
    secrets = secrets == null || secrets;
  }

  public static KubernetesConfig defaults() {
    return new KubernetesConfig(null, null, null, null);
  }

  public boolean enabledFor(Role role) {
    return enabled != null ? enabled : role != Role.LOCAL;
  }
}
