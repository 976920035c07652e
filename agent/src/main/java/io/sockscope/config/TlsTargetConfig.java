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

  void validate(String key) {
    if (address == null || address.isBlank()) {
      throw new ConfigException(key + ".address: required (HOST:PORT)");
    }
    HostPort.parse(key + ".address", address);
    if ((clientCert == null) != (clientKey == null)) {
      throw new ConfigException(key + ": clientCert and clientKey go together");
    }
    if (serverName != null && !serverName.matches("[A-Za-z0-9._-]{1,253}")) {
      throw new ConfigException(key + ".serverName: not a DNS name: '" + serverName + "'");
    }
    if (interval != null) {
      Validation.positive(key + ".interval", interval);
    }
  }
}
