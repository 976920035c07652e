package io.sockscope.kubernetes;

import io.sockscope.tls.ProbeProtocol;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One TLS endpoint found in the namespace.
 *
 * @param host {@code NAME.NAMESPACE.svc} for a Service port, the host of an Ingress TLS entry, the
 *     endpoint IP for one backend of a Service
 * @param port the Service port, 443 for an Ingress, the EndpointSlice port for a backend
 * @param serverName the SNI to send (the Service's DNS name unless annotated, the Ingress host; a
 *     backend is sent its Service's)
 * @param source service, ingress or backend
 * @param protocol the step before TLS ({@link ProbeProtocol#forService}); null = by port
 * @param namespace namespace of the object (and of its Secret)
 * @param secretName the TLS Secret that should hold the served certificate (Ingress
 *     {@code secretName}, Service annotation {@code sockscope.io/tls-secret}), or null
 * @param owner the {@code sockscope.io/owner} annotation of the Service or Ingress, or null
 * @param backend for a backend target: the Service target it serves and the pod; else null
 */
public record DiscoveredTarget(
    String host,
    int port,
    String serverName,
    ProbeSource source,
    ProbeProtocol protocol,
    String namespace,
    String secretName,
    String owner,
    Backend backend) {

  /** The sources discovery fills (pre-initialised in {@link KubernetesTargets#counts()}). */
  static final List<ProbeSource> SOURCES =
      List.of(ProbeSource.SERVICE, ProbeSource.INGRESS, ProbeSource.BACKEND);

  /**
   * What a backend target belongs to.
   *
   * @param service the {@link #id()} of the Service target whose endpoint this is
   * @param pod the EndpointSlice's {@code targetRef} name (a pod), or "" when it names none
   */
  public record Backend(String service, String pod) {
    public Backend {
      Objects.requireNonNull(service, "service");
      pod = pod == null ? "" : pod;
    }
  }

  public DiscoveredTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(namespace, "namespace");
    protocol = protocol == null ? ProbeProtocol.forPort(port) : protocol;
    secretName = secretName == null || secretName.isBlank() ? null : secretName;
    owner = owner == null || owner.isBlank() ? null : owner.trim();
  }

  /** A Service or Ingress target without owner. */
  public DiscoveredTarget(String host, int port, String serverName, ProbeSource source,
      ProbeProtocol protocol, String namespace, String secretName) {
    this(host, port, serverName, source, protocol, namespace, secretName, null, null);
  }

  public Optional<String> secret() {
    return Optional.ofNullable(secretName);
  }

  /** {@code HOST:PORT}, written as the prober writes it. */
  public String address() {
    return ProbeTarget.address(host, port);
  }

  /** The server name when it differs from the host (an annotated SNI, a backend), else null. */
  public String explicitServerName() {
    return serverName.equals(host) ? null : serverName;
  }

  /** What the TLS scheduler probes; its {@link ProbeTarget#id()} is {@link #id()}. */
  public ProbeTarget probeTarget() {
    return ProbeTarget.of(host, port, explicitServerName(), source).withProtocol(protocol);
  }

  /** The {@code target} label: {@code HOST:PORT}, or {@code HOST:PORT,SERVER_NAME}. */
  public String id() {
    return probeTarget().id();
  }
}
