package io.sockscope.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The stable command line (docs/architecture.md): {@code [--config FILE] [--check-config] [--role R] [--port
 * N] [--tls-target HOST:PORT[,SNI]]... [--tls-ca-file PEM]... [--certificate-file SPEC]...
 * [demo]}. Flags win over the file.
 */
public record CommandLine(
    Path config,
    boolean checkConfig,
    Role role,
    Integer port,
    List<String> tlsTargets,
    List<String> tlsCaFiles,
    boolean demo,
    boolean help,
    boolean version,
    String bind,
    List<String> certificateFiles) {

  public static final String USAGE =
      """
      usage: sockscope [--config FILE] [--check-config] [--role sidecar|namespace-prober|injector|local]
                       [--port N] [--bind ADDRESS] [--tls-target HOST:PORT[,SERVER_NAME]]...
                       [--tls-ca-file PEM]... [--certificate-file SPEC]... [demo]

        --config FILE        YAML configuration (see docs/configuration.md); without it: local role
        --check-config       run every check start runs (values, files, procRoot, namespace)
                             and exit: 0 valid, 2 invalid (every problem on its own line)
        --role ROLE          local (default), sidecar, namespace-prober or injector
        --port N             HTTP port for /metrics, /healthz, /readyz, / (default 9102)
        --bind ADDRESS       address the HTTP port listens on (default 0.0.0.0: all IPv4)
        --tls-target T       probe HOST:PORT, optionally with a server name (SNI); repeatable
        --tls-ca-file PEM    extra trust anchors for the TLS probes; repeatable
        --certificate-file SPEC
                             compare a mounted certificate file with its Secret and with what
                             the pod serves: PATH,secret=NAME[,key=K][,port=N][,serverName=S]
                             [,format=pem|pkcs12|jks][,passwordFile=F|,passwordEnv=VAR];
                             repeatable (docs/sidecar.md, "Certificate files")
        demo                 run a built-in workload (HTTPS server, clients) beside the agent
        --help, --version
      """;

  /** Parses {@code args}; a bad flag throws {@link ConfigException} with a one-line message. */
  public static CommandLine parse(String... args) {
    Path config = null;
    boolean check = false;
    boolean demo = false;
    boolean help = false;
    boolean version = false;
    Role role = null;
    Integer port = null;
    String bind = null;
    List<String> targets = new ArrayList<>();
    List<String> cas = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        value = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "--config" -> config = Path.of(value != null ? value : next(args, ++i, a));
        case "--check-config" -> check = true;
        case "--role" -> role = parseRole(value != null ? value : next(args, ++i, a));
        case "--port" -> port = parsePort(value != null ? value : next(args, ++i, a));
        case "--bind" -> bind = value != null ? value : next(args, ++i, a);
        case "--tls-target" -> targets.add(target(value != null ? value : next(args, ++i, a)));
        case "--tls-ca-file" -> cas.add(value != null ? value : next(args, ++i, a));
        case "--certificate-file" -> files.add(value != null ? value : next(args, ++i, a));
        case "demo" -> demo = true;
        case "-h", "--help" -> help = true;
        case "--version" -> version = true;
        default -> throw new ConfigException("unknown argument '" + a + "' (see --help)");
      }
    }
    return new CommandLine(config, check, role, port, targets, cas, demo, help, version, bind,
        files);
  }

  private static String next(String[] args, int i, String flag) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new ConfigException(flag + ": needs a value");
    }
    return args[i];
  }

  private static Role parseRole(String v) {
    try {
      return Role.parse(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--role: " + e.getMessage());
    }
  }

  private static int parsePort(String v) {
    try {
      int p = Integer.parseInt(v);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the message below
    }
    throw new ConfigException("--port: expected 0-65535, got '" + v + "'");
  }

  private static String target(String v) {
    try {
      io.sockscope.tls.ProbeTarget.parse(v, io.sockscope.tls.ProbeSource.STATIC);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--tls-target: " + e.getMessage());
    }
    return v;
  }
}
