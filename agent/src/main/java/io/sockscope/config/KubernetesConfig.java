package io.sockscope.config;

/**
 * {@code kubernetes:} section. {@code enabled} defaults to on in the cluster roles and off in the
 * local role; {@code namespace} defaults to {@code POD_NAMESPACE}, then the service-account file.
 *
 * <p>Peer names (docs/kubernetes.md): the namespace prober publishes the address → Service table
 * into the ConfigMap {@code peerNamesConfigMap} (none when unset), at most {@code peerNamesMax}
 * addresses, and exports at most {@code peerServiceInfoMax} {@code sockscope_peer_service_info}
 * series; the sidecar reads the mounted table from {@code peerNamesFile}.
 *
 * @param backendsPerService ready endpoints probed per Service port beside the Service address
 *     (the cap of the {@code backend} targets; 0 turns per-backend probes off)
 * @param opaqueSecrets also read certificates from Opaque Secrets (PEM, PKCS#12, JKS); needs
 *     {@code secrets}
 * @param configMaps read CA bundles (PEM certificates) from ConfigMaps
 * @param maxStoredCertificates cap of the per-certificate series of Secrets and ConfigMaps
 * @param publishedCertificatesMax Secret keys whose leaf fingerprint the namespace prober
 *     publishes for the sidecars' certificate-file parity (key {@code certificates} of the
 *     {@code peerNamesConfigMap}); 0 publishes none
 * @param certificatesFile where the sidecar reads that publication (the mounted ConfigMap's key)
 */
public record KubernetesConfig(
    Boolean enabled,
    String namespace,
    Boolean peerNames,
    Boolean secrets,
    String peerNamesConfigMap,
    String peerNamesFile,
    Integer peerNamesMax,
    Integer peerServiceInfoMax,
    Integer backendsPerService,
    Boolean opaqueSecrets,
    Boolean configMaps,
    Integer maxStoredCertificates,
    Integer publishedCertificatesMax,
    String certificatesFile) {

  public static final String DEFAULT_PEER_NAMES_FILE = "/etc/sockscope/peers/peers";
  public static final String DEFAULT_CERTIFICATES_FILE = "/etc/sockscope/peers/certificates";

  public KubernetesConfig {
    peerNames = peerNames == null || peerNames;
    secrets = secrets == null || secrets;
    peerNamesFile = peerNamesFile == null ? DEFAULT_PEER_NAMES_FILE : peerNamesFile;
    peerNamesMax = peerNamesMax == null ? 10_000 : peerNamesMax;
    peerServiceInfoMax = peerServiceInfoMax == null ? 2_000 : peerServiceInfoMax;
    backendsPerService = backendsPerService == null ? 20 : backendsPerService;
    opaqueSecrets = opaqueSecrets == null || opaqueSecrets;
    configMaps = configMaps == null || configMaps;
    maxStoredCertificates = maxStoredCertificates == null ? 1000 : maxStoredCertificates;
    publishedCertificatesMax = publishedCertificatesMax == null ? 1000 : publishedCertificatesMax;
    certificatesFile = certificatesFile == null ? DEFAULT_CERTIFICATES_FILE : certificatesFile;
  }

  public KubernetesConfig(Boolean enabled, String namespace, Boolean peerNames, Boolean secrets) {
    this(enabled, namespace, peerNames, secrets, null, null, null, null, null, null, null, null,
        null, null);
  }

  /** The certificate-source settings of the namespace prober, the rest by default. */
  public static KubernetesConfig certificateSources(Boolean secrets, Integer backendsPerService,
      Boolean opaqueSecrets, Boolean configMaps) {
    return new KubernetesConfig(null, null, null, secrets, null, null, null, null,
        backendsPerService, opaqueSecrets, configMaps, null, null, null);
  }

  public KubernetesConfig withPeerNames(boolean on) {
    return new KubernetesConfig(enabled, namespace, on, secrets, peerNamesConfigMap, peerNamesFile,
        peerNamesMax, peerServiceInfoMax, backendsPerService, opaqueSecrets, configMaps,
        maxStoredCertificates, publishedCertificatesMax, certificatesFile);
  }

  KubernetesConfig withCertificatesFile(String file) {
    return new KubernetesConfig(enabled, namespace, peerNames, secrets, peerNamesConfigMap,
        peerNamesFile, peerNamesMax, peerServiceInfoMax, backendsPerService, opaqueSecrets,
        configMaps, maxStoredCertificates, publishedCertificatesMax, file);
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
    if (certificatesFile.isBlank()) {
      v.fail("kubernetes.certificatesFile", "must not be empty");
    }
    v.range("kubernetes.backendsPerService", backendsPerService, 0, 1000);
    v.range("kubernetes.maxStoredCertificates", maxStoredCertificates, 0, 100_000);
    v.range("kubernetes.publishedCertificatesMax", publishedCertificatesMax, 0, 10_000);
  }
}
