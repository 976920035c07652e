package io.sockscope.kubernetes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Who and where this agent runs, from the downward API ({@code POD_NAME}, {@code POD_NAMESPACE},
 * {@code NODE_NAME}); pod and node may be null outside a pod.
 */
public record PodIdentity(String podName, String namespace, String nodeName) {
  public static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");

  /** From this process's environment and the service-account mount. */
  public static PodIdentity fromEnvironment(String configuredNamespace) {
    return resolve(configuredNamespace, System::getenv, SERVICE_ACCOUNT_NAMESPACE);
  }

  /**
   * The namespace is {@code kubernetes.namespace}, else {@code POD_NAMESPACE}, else the
   * service-account file; without any, a one-line error says how to set it.
   */
  static PodIdentity resolve(
      String configuredNamespace, Function<String, String> env, Path serviceAccountFile) {
    String ns = blankToNull(configuredNamespace);
    if (ns == null) {
      ns = blankToNull(env.apply("POD_NAMESPACE"));
    }
    if (ns == null && Files.isReadable(serviceAccountFile)) {
      try {
        ns = blankToNull(Files.readString(serviceAccountFile));
      } catch (IOException e) {
        ns = null;
      }
    }
    if (ns == null) {
      throw new IllegalStateException("kubernetes: no namespace to watch: set kubernetes.namespace,"
          + " or POD_NAMESPACE (downward API), or run with a service account (" + serviceAccountFile
          + "); or set kubernetes.enabled: false");
    }
    return new PodIdentity(blankToNull(env.apply("POD_NAME")), ns,
        blankToNull(env.apply("NODE_NAME")));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
