package io.sockscope.config;

import io.sockscope.tls.ProbeProtocol;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One configured TLS target ({@code tls.targets[]}).
 *
 * @param protocol the step before TLS: {@code tls} (also {@code https}, {@code none}), {@code
 *     postgres}, {@code mysql}, {@code smtp}, {@code imap}, {@code pop3}, {@code ldap}; null = by
 *     the well-known port (docs/configuration.md)
 */
public record TlsTargetConfig(
    String address,
    String serverName,
    String caFile,
    String clientCert,
    String clientKey,
    Duration interval,
    String protocol) {

  /** Parses the command-line form {@code HOST:PORT[,SERVER_NAME]}. */
  public static TlsTargetConfig fromFlag(String flag) {
    ProbeTarget t = ProbeTarget.parse(flag, ProbeSource.STATIC);
    return new TlsTargetConfig(t.address(), t.serverName(), null, null, null, null, null);
  }

  void validate(String key) {
    if (address == null || address.isBlank()) {
      throw new ConfigException(key + ".address: required (HOST:PORT)");
    }
    if ((clientCert == null) != (clientKey == null)) {
      throw new ConfigException(key + ": clientCert and clientKey go together");
    }
    if (address.contains(",")) {
      throw new ConfigException(key + ".address: HOST:PORT only (the server name is serverName)");
    }
    try {
      ProbeTarget.parse(address, ProbeSource.STATIC);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ".address: " + e.getMessage());
    }
    if (serverName != null) {
      try {
        ProbeTarget.checkServerName(serverName);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(key + ".serverName: " + e.getMessage());
      }
    }
    if (protocol != null && ProbeProtocol.named(protocol).isEmpty()) {
      throw new ConfigException(key + ".protocol: '" + protocol + "' is none of "
          + ProbeProtocol.spellings());
    }
    if (interval != null) {
      Validation.positive(key + ".interval", interval);
    }
  }

  /** The probe target this entry describes (call after {@link #validate}). */
  public ProbeTarget target() {
    ProbeTarget t = ProbeTarget.parse(address, ProbeSource.STATIC);
    return new ProbeTarget(t.host(), t.port(), serverName,
        ProbeProtocol.named(protocol).orElse(null),
        caFile == null ? List.of() : List.of(Path.of(caFile)),
        clientCert == null ? null : Path.of(clientCert),
        clientKey == null ? null : Path.of(clientKey),
        interval, ProbeSource.STATIC);
  }
}
