package io.sockscope.config;

/**
 * {@code kubernetes:} section. {@code enabled} defaults to on in the cluster roles and off in the
 * local role; {@code namespace} defaults to {@code POD_NAMESPACE}, then the service-account file.
 *
 * @param backendsPerService ready endpoints probed per Service port beside the Service address
 *     (the cap of the {@code backend} targets; 0 turns per-backend probes off)
 * @param opaqueSecrets also read certificates from Opaque Secrets (PEM, PKCS#12, JKS); needs
 *     {@code secrets}
 * @param configMaps read CA bundles (PEM certificates) from ConfigMaps
 * @param maxStoredCertificates cap of the per-certificate series of Secrets and ConfigMaps
 */
public record KubernetesConfig(
    Boolean enabled, String namespace, Boolean peerNames, Boolean secrets,
    Integer backendsPerService, Boolean opaqueSecrets, Boolean configMaps,
    Integer maxStoredCertificates) {

  public KubernetesConfig {
    peerNames = peerNames == null || peerNames;
    secrets = secrets == null || secrets;
    backendsPerService = backendsPerService == null ? 20 : backendsPerService;
    opaqueSecrets = opaqueSecrets == null || opaqueSecrets;
    configMaps = configMaps == null || configMaps;
    maxStoredCertificates = maxStoredCertificates == null ? 1000 : maxStoredCertificates;
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

  void validate() {
    Validation.range("kubernetes.backendsPerService", backendsPerService, 0, 1000);
    Validation.range("kubernetes.maxStoredCertificates", maxStoredCertificates, 0, 100_000);
  }
}
