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
 * @param host {@code NAME.NAMESPACE.svc} for a Service port, the host of an Ingress TLS entry
 * @param port the Service port, 443 for an Ingress
 * @param serverName the SNI to send (the Service's DNS name unless annotated, the Ingress host)
 * @param source service or ingress
 * @param protocol the step before TLS ({@link ProbeProtocol#forService}); null = by port
 * @param namespace namespace of the object (and of its Secret)
 * @param secretName the TLS Secret that should hold the served certificate (Ingress
 *     {@code secretName}, Service annotation {@code sockscope.io/tls-secret}), or null
 */
public record DiscoveredTarget(
    String host,
    int port,
    String serverName,
    ProbeSource source,
    ProbeProtocol protocol,
    String namespace,
    String secretName) {

  /** The sources discovery fills (pre-initialised in {@link KubernetesTargets#counts()}). */
  static final List<ProbeSource> SOURCES = List.of(ProbeSource.SERVICE, ProbeSource.INGRESS);

  public DiscoveredTarget {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(namespace, "namespace");
    protocol = protocol == null ? ProbeProtocol.forPort(port) : protocol;
    secretName = secretName == null || secretName.isBlank() ? null : secretName;
  }

  public Optional<String> secret() {
    return Optional.ofNullable(secretName);
  }

  /** {@code HOST:PORT}, written as the prober writes it. */
  public String address() {
    return ProbeTarget.address(host, port);
  }

  /** The server name when it differs from the host (an annotated SNI), else null. */
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
