package io.sockscope.config;

import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.NetlinkSockDiag;
import io.sockscope.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What start needs from the machine, checked before the agent starts and by {@code --check-config}
 * with the same code, so that a configuration the check passes does not then fail at start (issue
 * 13): every file named by the configuration exists and parses as what it must hold, the socket
 * tables under {@code procRoot} are readable, netlink opens when it is required, and a role that
 * watches its namespace has one. The port is not tried: it is free or taken at start only.
 */
public final class StartChecks {
  private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

  /**
   * The process's surroundings: its environment variables, the service-account namespace file,
   * and whether a configuration watches a namespace (the Kubernetes feature decides; given by the
   * wiring so that this package does not depend on it).
   */
  public record Environment(
      Function<String, String> env,
      Path serviceAccountNamespace,
      Predicate<AgentConfig> watchesNamespace) {}

  private StartChecks() {}

  static void check(AgentConfig c, Environment e, Validation v) {
    TlsConfig tls = c.tls();
    for (int i = 0; i < tls.caFiles().size(); i++) {
      certificates(v, "tls.caFiles[" + i + "]", tls.caFiles().get(i));
    }
    for (int i = 0; i < tls.targets().size(); i++) {
      TlsTargetConfig t = tls.targets().get(i);
      String key = "tls.targets[" + i + "]";
      certificates(v, key + ".caFile", t.caFile());
      certificates(v, key + ".clientCert", t.clientCert());
      privateKey(v, key + ".clientKey", t.clientKey());
    }
    if (c.sockets().enabled() && c.role() != Role.INJECTOR) {
      socketTables(v, c);
    }
    if (e.watchesNamespace().test(c) && namespace(c, e) == null) {
      v.fail("kubernetes.namespace", "no namespace to watch: set kubernetes.namespace, or"
          + " POD_NAMESPACE (downward API), or run with a service account ("
          + e.serviceAccountNamespace() + "); or set kubernetes.enabled: false");
    }
    if (c.role() == Role.INJECTOR) {
      certificates(v, "injector.certFile", c.injector().certFile());
      privateKey(v, "injector.keyFile", c.injector().keyFile());
      readable(v, "injector.sidecarFile", c.injector().sidecarFile());
    }
  }

  /** {@code kubernetes.namespace}, else {@code POD_NAMESPACE}, else the service-account file. */
  static String namespace(AgentConfig c, Environment e) {
    String ns = blankToNull(c.kubernetes().namespace());
    if (ns == null) {
      ns = blankToNull(e.env().apply("POD_NAMESPACE"));
    }
    if (ns == null && Files.isReadable(e.serviceAccountNamespace())) {
      try {
        ns = blankToNull(Files.readString(e.serviceAccountNamespace()));
      } catch (IOException ex) {
        ns = null;
      }
    }
    return ns;
  }

  /** Exactly what start reads: the kernel counters, then the first byte of {@code net/tcp}. */
  private static void socketTables(Validation v, AgentConfig c) {
    Path root = Path.of(c.procRoot());
    if (!Files.isDirectory(root)) {
      v.fail("procRoot", root + ": no such directory");
      return;
    }
    try (InputStream in = Files.newInputStream(root.resolve("net/tcp"))) {
      in.read();
      KernelCounters.read(root);
    } catch (IOException e) {
      v.fail("procRoot", "cannot read the socket tables under " + root + ": " + describe(e));
      return;
    }
    if (c.sockets().source() == SocketsConfig.SourceKind.NETLINK) {
      try {
        NetlinkSockDiag.open().close();
      } catch (IOException e) {
        v.fail("sockets.source", "netlink: " + describe(e));
      }
    }
  }

  private static void certificates(Validation v, String key, String file) {
    if (!readable(v, key, file)) {
      return;
    }
    try {
      // the JDK would also take DER, and an empty bundle silently: neither is what was meant
      if (!Files.readString(Path.of(file), StandardCharsets.ISO_8859_1).contains(BEGIN_CERTIFICATE)) {
        v.fail(key, file + ": no PEM certificate in it (no '" + BEGIN_CERTIFICATE + "' line)");
      } else {
        Pem.certificates(Path.of(file));
      }
    } catch (IOException | GeneralSecurityException e) {
      v.fail(key, file + ": a certificate in it does not parse: " + describe(e));
    }
  }

  private static void privateKey(Validation v, String key, String file) {
    if (readable(v, key, file)) {
      try {
        Pem.privateKey(Path.of(file));
      } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
        // Pem's messages name the file and the block, never the key material
        String why = describe(e);
        v.fail(key, why.startsWith(file) ? why : file + ": " + why);
      }
    }
  }

  /** True when {@code file} is set and readable; a problem otherwise (null is not a problem). */
  private static boolean readable(Validation v, String key, String file) {
    if (file == null) {
      return false;
    }
    Path p = Path.of(file);
    if (!Files.exists(p)) {
      v.fail(key, file + ": no such file");
    } else if (Files.isDirectory(p)) {
      v.fail(key, file + ": is a directory, not a file");
    } else if (!Files.isReadable(p)) {
      v.fail(key, file + ": not readable (permission denied)");
    } else {
      return true;
    }
    return false;
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException n) {
      return n.getFile() + ": no such file";
    }
    if (e instanceof AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return List.of(m.split("\n")).getFirst().strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
