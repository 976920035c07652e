package io.sockscope.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One endpoint to probe, and the one place its text form is read and written: {@link #parse} reads
 * {@code HOST:PORT[,SERVER_NAME]} (IPv6 as {@code [ADDR]:PORT}), {@link #address()} and {@link
 * #id()} write it. {@link #id()} is the {@code target} label: {@code HOST:PORT}, or {@code
 * HOST:PORT,SERVER_NAME} when an explicit server name is sent (the {@code --tls-target} form).
 *
 * @param host name or IP literal (IPv6 without brackets)
 * @param serverName SNI and the name verified; null = the host (no SNI for IP literals)
 * @param protocol the step before TLS; null = chosen by {@link ProbeProtocol#forPort}
 * @param caFiles extra PEM trust anchors for this target only
 * @param clientCert PEM chain for mTLS, or null
 * @param clientKey PKCS#8 PEM key for {@code clientCert}, or null
 * @param interval probe interval, or null for the scheduler's default
 * @param source where the target came from (the {@code source} label); null = static
 */
public record ProbeTarget(
    String host,
    int port,
    String serverName,
    ProbeProtocol protocol,
    List<Path> caFiles,
    Path clientCert,
    Path clientKey,
    Duration interval,
    ProbeSource source) {

  /** Longest text {@link #parse} reads: a DNS name (253), a port and a server name fit. */
  static final int MAX_TEXT = 600;

  /**
   * Letters, digits, dots, hyphens, underscores (some in-cluster names), colons inside brackets.
   */
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|[0-9A-Fa-f:.]{2,45}");

  private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,253}");

  public ProbeTarget {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    serverName = serverName == null || serverName.isBlank() ? null : serverName;
    protocol = protocol == null ? ProbeProtocol.forPort(port) : protocol;
    caFiles = caFiles == null ? List.of() : List.copyOf(caFiles);
    source = source == null ? ProbeSource.STATIC : source;
  }

  /**
   * A target with defaults: protocol by port, no CA files, no client certificate, default interval.
   */
  public static ProbeTarget of(String host, int port, String serverName, ProbeSource source) {
    return new ProbeTarget(host, port, serverName, null, List.of(), null, null, null, source);
  }

  /**
   * Reads {@code HOST:PORT} or {@code HOST:PORT,SERVER_NAME} (the flag, {@code /probe} and config
   * form); the other fields take their defaults.
   *
   * @throws IllegalArgumentException with a message that quotes the text and says what is wrong
   */
  public static ProbeTarget parse(String text, ProbeSource source) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("expected HOST:PORT, got nothing");
    }
    if (text.length() > MAX_TEXT) {
      throw new IllegalArgumentException("longer than " + MAX_TEXT + " characters");
    }
    String[] parts = text.split(",", 2);
    String serverName = parts.length == 2 ? parts[1].strip() : null;
    if (serverName != null && !serverName.isEmpty()) {
      checkServerName(serverName);
    }
    String address = parts[0].strip();
    int colon = address.lastIndexOf(':');
    if (colon <= 0 || colon == address.length() - 1) {
      throw new IllegalArgumentException("expected HOST:PORT, got '" + text + "'");
    }
    String host = address.substring(0, colon);
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    if (bracketed) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "write an IPv6 address as [ADDR]:PORT, got '" + text + "'");
    }
    if (!HOST.matcher(host).matches() || (bracketed && !host.contains(":"))) {
      throw new IllegalArgumentException("not a host name or IP address: '" + host + "'");
    }
    int port;
    try {
      port = Integer.parseInt(address.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port is not a number in '" + text + "'");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535 in '" + text + "'");
    }
    return of(host, port, serverName, source);
  }

  /** A server name (SNI) must be a DNS name: letters, digits, dots, hyphens, underscores. */
  public static void checkServerName(String name) {
    if (!SERVER_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a DNS name: '" + name + "'");
    }
  }

  /** {@code HOST:PORT}, IPv6 in brackets: the one way an address is written. */
  public static String address(String host, int port) {
    return io.sockscope.util.HostPortText.format(host, port);
  }

  /** This target's {@code HOST:PORT}. */
  public String address() {
    return address(host, port);
  }

  /** The {@code target} label and the identity used by the scheduler. */
  public String id() {
    return serverName == null ? address() : address() + "," + serverName;
  }

  /** The name the certificate must cover: the server name, else the host. */
  public String verifiedName() {
    return serverName != null ? serverName : host;
  }

  public ProbeTarget withSource(ProbeSource s) {
    return new ProbeTarget(
        host, port, serverName, protocol, caFiles, clientCert, clientKey, interval, s);
  }

  public ProbeTarget withServerName(String name) {
    return new ProbeTarget(
        host, port, name, protocol, caFiles, clientCert, clientKey, interval, source);
  }

  public ProbeTarget withProtocol(ProbeProtocol p) {
    return new ProbeTarget(
        host, port, serverName, p, caFiles, clientCert, clientKey, interval, source);
  }
}
