package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.http.HttpServer;
import io.sockscope.peers.PeerNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A role is a list of features and an HTTP server (docs/architecture.md, "Roles"). What a feature
 * needs from another it takes in its constructor here; the list's order is the start order.
 */
final class Roles {
  private Roles() {}

  static List<Feature> features(AgentConfig c) {
    List<Feature> out = new ArrayList<>();
    TlsFeature tls = new TlsFeature(c);
    out.add(tls); // first: its metrics listen before another feature hands it targets
    switch (c.role()) {
      case LOCAL -> {
        sockets(c, PeerNames.NONE, tls, out);
        certificateFiles(c, tls, out);
      }
      case SIDECAR -> {
        PeerNames names = PeerNames.NONE;
        if (c.kubernetes().enabledFor(c.role()) && c.kubernetes().peerNames()) {
          PeerNamesFeature peerNames = new PeerNamesFeature(Path.of(c.kubernetes().peerNamesFile()));
          names = peerNames.names();
          out.add(peerNames);
        }
        sockets(c, names, tls, out);
        certificateFiles(c, tls, out);
      }
      case NAMESPACE_PROBER -> {
        sockets(c, PeerNames.NONE, tls, out);
        KubernetesFeature kubernetes = new KubernetesFeature(c, tls);
        if (kubernetes.watchesAnything()) {
          out.add(kubernetes);
        }
      }
      case INJECTOR -> out.add(new InjectorFeature(c.injector()));
    }
    return out;
  }

  private static void sockets(AgentConfig c, PeerNames names, TlsFeature tls, List<Feature> out) {
    if (c.sockets().enabled()) {
      out.add(new SocketsFeature(c, names, tls));
    }
  }

  /** Three-way parity of the pod's certificate files, when any is configured. */
  private static void certificateFiles(AgentConfig c, TlsFeature tls, List<Feature> out) {
    if (!c.tls().certificateFiles().isEmpty()) {
      out.add(new CertificateFilesFeature(c, tls));
    }
  }

  /**
   * The sidecar and the local role serve with the JDK's server (no Jetty, Javalin or Jackson in a
   * pod's sidecar); the namespace prober and the injector with Javalin.
   */
  static HttpServer.Kind http(AgentConfig c) {
    return switch (c.role()) {
      case SIDECAR, LOCAL -> HttpServer.Kind.LEAN;
      case NAMESPACE_PROBER, INJECTOR -> HttpServer.Kind.JAVALIN;
    };
  }
}
