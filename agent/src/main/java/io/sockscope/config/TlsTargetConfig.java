package io.sockscope.config;

import java.time.Duration;

/** One configured TLS target ({@code tls.targets[]}). */
public record TlsTargetConfig(
    String address,
    String serverName,
    String caFile,
    String clientCert,
    String clientKey,
    Duration interval) {

  /** Parses the command-line form {@code HOST:PORT[,SERVER_NAME]}. */
  public static TlsTargetConfig fromFlag(String flag) {
    String[] parts = flag.split(",", 2);
    String sni = parts.length == 2 && !parts[1].isBlank() ? parts[1].strip() : null;
    return new TlsTargetConfig(parts[0].strip(), sni, null, null, null, null);
  }

  void validate(Validation v, String key) {
    if (address == null || address.isBlank()) {
      v.fail(key + ".address", "required (HOST:PORT)");
    } else {
      try {
        HostPort.parse(key + ".address", address);
      } catch (ConfigException e) {
        v.report(key + ".address", e.getMessage());
      }
    }
    if (clientCert != null && clientKey == null) {
      v.fail(key + ".clientKey", "required with clientCert (both or neither)");
    } else if (clientKey != null && clientCert == null) {
      v.fail(key + ".clientCert", "required with clientKey (both or neither)");
    }
    if (serverName != null && !serverName.matches("[A-Za-z0-9._-]{1,253}")) {
      v.fail(key + ".serverName", "not a DNS name: '" + serverName + "'");
    }
    if (interval != null) {
      v.duration(key + ".interval", interval, TlsConfig.MIN_INTERVAL, TlsConfig.MAX_INTERVAL);
    }
  }
}
