package io.sockscope.config;

/**
 * {@code kubernetes:} section. {@code enabled} defaults to on in the cluster roles and off in the
 * local role; {@code namespace} defaults to {@code POD_NAMESPACE}, then the service-account file.
 *
 * <p>Peer names (docs/kubernetes.md): the namespace prober publishes the address → Service table
 * into the ConfigMap {@code peerNamesConfigMap} (none when unset), at most {@code peerNamesMax}
 * addresses, and exports at most {@code peerServiceInfoMax} {@code sockscope_peer_service_info}
 * series; the sidecar reads the mounted table from {@code peerNamesFile}.
 */
public record KubernetesConfig(
    Boolean enabled,
    String namespace,
    Boolean peerNames,
    Boolean secrets,
    String peerNamesConfigMap,
    String peerNamesFile,
    Integer peerNamesMax,
    Integer peerServiceInfoMax) {

  public static final String DEFAULT_PEER_NAMES_FILE = "/etc/sockscope/peers/peers";

  public KubernetesConfig {
    peerNames = peerNames == null || peerNames;
    secrets = secrets == null || secrets;
    peerNamesFile = peerNamesFile == null ? DEFAULT_PEER_NAMES_FILE : peerNamesFile;
    peerNamesMax = peerNamesMax == null ? 10_000 : peerNamesMax;
    peerServiceInfoMax = peerServiceInfoMax == null ? 2_000 : peerServiceInfoMax;
  }

  public KubernetesConfig(Boolean enabled, String namespace, Boolean peerNames, Boolean secrets) {
    this(enabled, namespace, peerNames, secrets, null, null, null, null);
  }

  public static KubernetesConfig defaults() {
    return new KubernetesConfig(null, null, null, null);
  }

  public boolean enabledFor(Role role) {
    return enabled != null ? enabled : role != Role.LOCAL;
  }

  void validate(Validation v) {
    v.range("kubernetes.peerNamesMax", peerNamesMax, 0, 100_000);
    v.range("kubernetes.peerServiceInfoMax", peerServiceInfoMax, 0, 100_000);
    if (peerNamesFile.isBlank()) {
      v.fail("kubernetes.peerNamesFile", "must not be empty");
    }
  }
}
