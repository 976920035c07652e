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

  void validate(Validation v, String key) {
    if (address == null || address.isBlank()) {
      v.fail(key + ".address", "required (HOST:PORT)");
    } else if (address.contains(",")) {
      v.fail(key + ".address", "HOST:PORT only (the server name is serverName)");
    } else {
      try {
        ProbeTarget.parse(address, ProbeSource.STATIC);
      } catch (IllegalArgumentException e) {
        v.fail(key + ".address", e.getMessage());
      }
    }
    if (clientCert != null && clientKey == null) {
      v.fail(key + ".clientKey", "required with clientCert (both or neither)");
    } else if (clientKey != null && clientCert == null) {
      v.fail(key + ".clientCert", "required with clientKey (both or neither)");
    }
    if (serverName != null) {
      try {
        ProbeTarget.checkServerName(serverName);
      } catch (IllegalArgumentException e) {
        v.fail(key + ".serverName", e.getMessage());
      }
    }
    if (protocol != null && ProbeProtocol.named(protocol).isEmpty()) {
      v.fail(key + ".protocol", "'" + protocol + "' is none of " + ProbeProtocol.spellings());
    }
    if (interval != null) {
      v.duration(key + ".interval", interval, TlsConfig.MIN_INTERVAL, TlsConfig.MAX_INTERVAL);
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
