package io.sockscope.config;

/**
 * {@code injector:} section, read in the injector role: the HTTPS admission webhook that adds the
 * sidecar to opted-in pods. The chart fills it; the files come from its Secret and ConfigMap.
 *
 * @param port HTTPS port of {@code /mutate} (default 9443)
 * @param certFile PEM certificate chain the webhook serves
 * @param keyFile PEM private key (PKCS#8 {@code PRIVATE KEY} or PKCS#1 {@code RSA PRIVATE KEY})
 * @param sidecarFile JSON {@code {"container": {...}, "volumes": [...]}} rendered by the chart
 * @param nativeSidecar add the sidecar as an init container with {@code restartPolicy: Always}
 *     (Kubernetes >= 1.29); false adds a regular container
 */
public record InjectorConfig(
    Integer port, String certFile, String keyFile, String sidecarFile, Boolean nativeSidecar) {

  public static final int DEFAULT_PORT = 9443;

  public InjectorConfig {
    port = port == null ? DEFAULT_PORT : port;
    nativeSidecar = nativeSidecar == null || nativeSidecar;
  }

  public static InjectorConfig defaults() {
    return new InjectorConfig(null, null, null, null, null);
  }

  void validate(Validation v, Role role) {
    v.range("injector.port", port, 0, 65535);
    if (role != Role.INJECTOR) {
      return;
    }
    required(v, "injector.certFile", certFile);
    required(v, "injector.keyFile", keyFile);
    required(v, "injector.sidecarFile", sidecarFile);
  }

  private static void required(Validation v, String key, String value) {
    if (value == null || value.isBlank()) {
      v.fail(key, "required in the injector role");
    }
  }
}
