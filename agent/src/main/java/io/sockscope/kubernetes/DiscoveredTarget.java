package io.sockscope.kubernetes;

import java.util.Objects;
import java.util.Optional;

/**
 * One TLS endpoint found in the namespace.
 *
 * @param address {@code NAME.NAMESPACE.svc:PORT} for a Service port, {@code HOST:443} for an
 *     Ingress TLS host, {@code IP:PORT} ({@code [IPv6]:PORT}) for one backend of a Service (the
 *     {@code target} label is {@link #id()})
 * @param serverName the SNI to send (the Service's DNS name unless annotated, the Ingress host;
 *     a backend is sent its Service's name)
 * @param source service, ingress or backend
 * @param namespace namespace of the object (and of its Secret)
 * @param secretName the TLS Secret that should hold the served certificate (Ingress
 *     {@code secretName}, Service annotation {@code sockscope.io/tls-secret}), or null
 * @param owner the {@code sockscope.io/owner} annotation of the Service or Ingress, or null
 * @param backend for a backend target: the Service target it serves and the pod; else null
 */
public record DiscoveredTarget(
    String address, String serverName, TargetSource source, String namespace, String secretName,
    String owner, Backend backend) {

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
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(serverName, "serverName");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(namespace, "namespace");
    secretName = secretName == null || secretName.isBlank() ? null : secretName;
    owner = owner == null || owner.isBlank() ? null : owner.trim();
  }

  /** A Service or Ingress target without owner. */
  public DiscoveredTarget(
      String address, String serverName, TargetSource source, String namespace, String secretName) {
    this(address, serverName, source, namespace, secretName, null, null);
  }

  public Optional<String> secret() {
    return Optional.ofNullable(secretName);
  }

  /** The DNS name or IP literal to connect to (an IPv6 literal without brackets). */
  public String host() {
    String h = address.substring(0, address.lastIndexOf(':'));
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }

  public int port() {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** The server name when it differs from the host (an annotated SNI, a backend), else null. */
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
