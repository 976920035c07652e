package io.sockscope.config;

import io.sockscope.tls.CertificateFile;
import java.nio.file.Path;

/**
 * One certificate file the pod mounts ({@code tls.certificateFiles[]}, {@code --certificate-file}),
 * compared three ways (docs/sidecar.md, "Certificate files"): the file, the Secret it comes from
 * (as the namespace prober publishes it) and what the pod serves on {@code port} of localhost.
 *
 * @param path the file as the sidecar sees it (PEM, PKCS#12 or JKS)
 * @param secret the Secret of the pod's namespace the file comes from (required)
 * @param key the Secret's data key; default the file's name (a Secret volume names files by key)
 * @param port the pod's TLS port on localhost; null = the served side is not compared
 * @param serverName SNI sent to that port; null = none
 * @param format {@code pem}, {@code pkcs12}, {@code jks}; null = by the file's extension
 * @param passwordFile a file holding the keystore password, or null
 * @param passwordEnv an environment variable holding it, or null (never both)
 */
public record CertificateFileConfig(
    String path,
    String secret,
    String key,
    Integer port,
    String serverName,
    String format,
    String passwordFile,
    String passwordEnv) {

  public CertificateFileConfig {
    if (key == null && path != null && !path.isBlank()) {
      Path name = Path.of(path).getFileName();
      key = name == null ? null : name.toString();
    }
  }

  /**
   * Parses the flag form {@code PATH,secret=NAME[,key=K][,port=N][,serverName=S][,format=F]
   * [,passwordFile=F|,passwordEnv=V]}; validate afterwards.
   */
  public static CertificateFileConfig fromFlag(String flag) {
    String[] parts = flag.split(",");
    String path = parts[0].strip();
    String secret = null;
    String key = null;
    Integer port = null;
    String serverName = null;
    String format = null;
    String passwordFile = null;
    String passwordEnv = null;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--certificate-file: '" + p + "' is not NAME=VALUE");
      }
      String v = p.substring(eq + 1).strip();
      switch (p.substring(0, eq).strip()) {
        case "secret" -> secret = v;
        case "key" -> key = v;
        case "port" -> port = port(v);
        case "serverName" -> serverName = v;
        case "format" -> format = v;
        case "passwordFile" -> passwordFile = v;
        case "passwordEnv" -> passwordEnv = v;
        default -> throw new ConfigException("--certificate-file: unknown setting '"
            + p.substring(0, eq) + "' (secret, key, port, serverName, format, passwordFile,"
            + " passwordEnv)");
      }
    }
    return new CertificateFileConfig(
        path, secret, key, port, serverName, format, passwordFile, passwordEnv);
  }

  private static int port(String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ConfigException("--certificate-file: port '" + v + "' is not a number");
    }
  }

  /** The format to read the file with. */
  public CertificateFile.Format fileFormat() {
    return format == null ? CertificateFile.Format.of(Path.of(path)) : CertificateFile.Format.parse(format);
  }

  void validate(Validation v, String at) {
    if (path == null || path.isBlank()) {
      v.fail(at + ".path", "required (the certificate file as the sidecar sees it)");
    }
    if (secret == null || secret.isBlank()) {
      v.fail(at + ".secret", "required (the Secret the file comes from)");
    } else if (!secret.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      v.fail(at + ".secret", "'" + secret + "' is not a Secret name");
    }
    if (key != null && !key.matches("[-._a-zA-Z0-9]+")) {
      v.fail(at + ".key", "'" + key + "' is not a Secret data key");
    }
    if (port != null) {
      v.range(at + ".port", port, 1, 65535);
    }
    if (format != null) {
      try {
        CertificateFile.Format.parse(format);
      } catch (IllegalArgumentException e) {
        v.fail(at + ".format", e.getMessage());
      }
    }
    if (passwordFile != null && passwordEnv != null) {
      v.fail(at + ".passwordEnv", "a password comes from passwordFile or passwordEnv, not both");
    }
    if (serverName != null) {
      try {
        io.sockscope.tls.ProbeTarget.checkServerName(serverName);
      } catch (IllegalArgumentException e) {
        v.fail(at + ".serverName", e.getMessage());
      }
    }
  }
}
