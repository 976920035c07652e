package io.sockscope.config;

import java.util.List;

/**
 * The whole configuration file ({@code --config}); every section optional. Defaults live in the
 * sections' compact constructors, validation in {@link #validate()}; the loader adds the flags.
 */
public record AgentConfig(
    Role role,
    Integer port,
    String procRoot,
    SocketsConfig sockets,
    TlsConfig tls,
    KubernetesConfig kubernetes,
    InjectorConfig injector,
    String bindAddress) {

  public static final int DEFAULT_PORT = 9102;

  public AgentConfig {
    role = role == null ? Role.LOCAL : role;
    port = port == null ? DEFAULT_PORT : port;
    procRoot = procRoot == null ? "/proc" : procRoot;
    sockets = sockets == null ? SocketsConfig.defaults() : sockets;
    tls = tls == null ? TlsConfig.defaults() : tls;
    kubernetes = kubernetes == null ? KubernetesConfig.defaults() : kubernetes;
    injector = injector == null ? InjectorConfig.defaults() : injector;
    bindAddress = bindAddress == null ? "0.0.0.0" : bindAddress;
  }

  /** Listening on every address (the form tests and older callers use). */
  public AgentConfig(
      Role role,
      Integer port,
      String procRoot,
      SocketsConfig sockets,
      TlsConfig tls,
      KubernetesConfig kubernetes,
      InjectorConfig injector) {
    this(role, port, procRoot, sockets, tls, kubernetes, injector, null);
  }

  public static AgentConfig defaults() {
    return new AgentConfig(null, null, null, null, null, null, null, null);
  }

  AgentConfig withRole(Role r) {
    return new AgentConfig(r, port, procRoot, sockets, tls, kubernetes, injector, bindAddress);
  }

  AgentConfig withPort(int p) {
    return new AgentConfig(role, p, procRoot, sockets, tls, kubernetes, injector, bindAddress);
  }

  AgentConfig withBindAddress(String a) {
    return new AgentConfig(role, port, procRoot, sockets, tls, kubernetes, injector, a);
  }

  /** Adds TLS targets and trust anchors (flags, the demo); validate afterwards. */
  public AgentConfig withTls(List<TlsTargetConfig> targets, List<String> caFiles) {
    return new AgentConfig(
        role, port, procRoot, sockets, tls.withExtra(targets, caFiles), kubernetes, injector,
        bindAddress);
  }

  /** Adds certificate files to compare (flags); validate afterwards. */
  AgentConfig withCertificateFiles(List<CertificateFileConfig> files) {
    return new AgentConfig(role, port, procRoot, sockets, tls.withCertificateFiles(files),
        kubernetes, injector, bindAddress);
  }

  /** As {@link #withCertificateFiles(List)}, read against {@code publishedFile} (the demo). */
  public AgentConfig withCertificateFiles(List<CertificateFileConfig> files, String publishedFile) {
    return new AgentConfig(role, port, procRoot, sockets, tls.withCertificateFiles(files),
        kubernetes.withCertificatesFile(publishedFile), injector, bindAddress);
  }

  /** Throws a {@link ConfigException} with every invalid key, one line each. */
  public AgentConfig validate() {
    Validation v = new Validation();
    validate(v);
    v.throwIfAny(null, java.util.Map.of());
    return this;
  }

  /** The checks that need nothing but the values (files and the environment: {@link StartChecks}). */
  void validate(Validation v) {
    v.range("port", port, 0, 65535);
    if (!bindAddress.matches("[0-9A-Fa-f.:]+")) {
      v.report("bindAddress", "bindAddress (--bind): must be an IP address such as 0.0.0.0,"
          + " 127.0.0.1 or :: (got '" + bindAddress + "')");
    }
    if (procRoot.isBlank()) {
      v.fail("procRoot", "must not be empty");
    }
    sockets.validate(v);
    tls.validate(v);
    kubernetes.validate(v);
    injector.validate(v, role);
  }
}
