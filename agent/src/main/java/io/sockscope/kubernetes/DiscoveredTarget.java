package io.sockscope.kubernetes;

import java.util.Objects;
import java.util.Optional;

/**
 * One TLS endpoint found in the namespace.
 *
 * @param address {@code NAME.NAMESPACE.svc:PORT} for a Service port, {@code HOST:443} for an
 *     Ingress TLS host (the {@code target} label is {@link #id()})
 * @param serverName the SNI to send (the Service's DNS name unless annotated, the Ingress host)
 * @param source service or ingress
 * @param namespace namespace of the object (and of its Secret)
 * @param secretName the TLS Secret that should hold the served certificate (Ingress
 *     {@code secretName}, Service annotation {@code sockscope.io/tls-secret}), or null
 */
public record DiscoveredTarget(
    String address, String serverName, TargetSource source, String namespace, String secretName) {

  public DiscoveredTarget {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(namespace, "namespace");
    secretName = secretName == null || secretName.isBlank() ? null : secretName;
  }

  public Optional<String> secret() {
    return Optional.ofNullable(secretName);
  }

  /** The DNS name to connect to. */
  public String host() {
    return address.substring(0, address.lastIndexOf(':'));
  }

  public int port() {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The server name when it differs from the host (an annotated SNI), else null. */
  public String explicitServerName() {
    return serverName.equals(host()) ? null : serverName;
  }

  /**
   * The {@code target} label, spelled as the TLS prober spells it ({@code tls.ProbeTarget#id()}):
   * {@code HOST:PORT}, or {@code HOST:PORT,SERVER_NAME} when the server name is not the host.
   */
  public String id() {
    String sni = explicitServerName();
    return sni == null ? address : address + "," + sni;
  }
}
