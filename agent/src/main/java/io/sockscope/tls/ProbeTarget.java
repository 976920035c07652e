package io.sockscope.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One endpoint to probe. {@link #id()} is the {@code target} label: {@code HOST:PORT}, or {@code
 * HOST:PORT,SERVER_NAME} when an explicit server name is sent (the {@code --tls-target} form).
 *
 * @param host name or IP literal (IPv6 without brackets)
 * @param serverName SNI and the name verified; null = the host (no SNI for IP literals)
 * @param caFiles extra PEM trust anchors for this target only
 * @param clientCert PEM chain for mTLS, or null
 * @param clientKey PKCS#8 PEM key for {@code clientCert}, or null
 * @param interval probe interval, or null for the scheduler's default
 * @param source where the target came from: static, peer, service, ingress (the {@code source}
 *     label)
 */
public record ProbeTarget(
    String host,
    int port,
    String serverName,
    List<Path> caFiles,
    Path clientCert,
    Path clientKey,
    Duration interval,
    String source) {

  public ProbeTarget {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    serverName = serverName == null || serverName.isBlank() ? null : serverName;
    caFiles = caFiles == null ? List.of() : List.copyOf(caFiles);
    source = source == null ? "static" : source;
  }

  /** A target with defaults: no CA files, no client certificate, default interval. */
  public static ProbeTarget of(String host, int port, String serverName, String source) {
    return new ProbeTarget(host, port, serverName, List.of(), null, null, null, source);
  }

  /** The {@code target} label and the identity used by the scheduler. */
  public String id() {
    String hp = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    return serverName == null ? hp : hp + "," + serverName;
  }

  /** The name the certificate must cover: the server name, else the host. */
  public String verifiedName() {
    return serverName != null ? serverName : host;
  }

  public ProbeTarget withSource(String s) {
    return new ProbeTarget(host, port, serverName, caFiles, clientCert, clientKey, interval, s);
  }
}
