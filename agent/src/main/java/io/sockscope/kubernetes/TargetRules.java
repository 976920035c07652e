package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.sockscope.tls.ProbeProtocol;
import io.sockscope.tls.ProbeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which Service ports and Ingress hosts are TLS targets (documented in docs/kubernetes.md).
 *
 * <p>A Service port is a target when it is named {@code https}, {@code tls} or {@code *-https}, or
 * has {@code appProtocol: https}. A Service annotated {@code sockscope.io/probe-tls: "true"} opts
 * in every TCP port, or only those listed in {@code sockscope.io/probe-port} (numbers or names,
 * comma-separated); {@code "false"} opts the Service out. An Ingress contributes each
 * {@code spec.tls[].hosts} entry on port 443, except wildcards, which name no host to connect to.
 * A Service port's protocol (STARTTLS and kin) comes from {@link ProbeProtocol#forService}.
 */
final class TargetRules {
  static final String PROBE_TLS = "sockscope.io/probe-tls";
  static final String PROBE_PORT = "sockscope.io/probe-port";
  static final String SERVER_NAME = "sockscope.io/server-name";
  static final String TLS_SECRET = "sockscope.io/tls-secret";
  /** Who to route alerts to; carried to sockscope_tls_target_owner_info (docs/kubernetes.md). */
  static final String OWNER = "sockscope.io/owner";

  private TargetRules() {}

  static List<DiscoveredTarget> of(Service service) {
    var meta = service.getMetadata();
    Map<String, String> annotations =
        meta.getAnnotations() == null ? Map.of() : meta.getAnnotations();
    String optIn = annotations.getOrDefault(PROBE_TLS, "").trim();
    if (optIn.equalsIgnoreCase("false") || service.getSpec() == null
        || service.getSpec().getPorts() == null) {
      return List.of();
    }
    boolean annotated = optIn.equalsIgnoreCase("true");
    Set<String> chosen = Arrays.stream(annotations.getOrDefault(PROBE_PORT, "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
    String host = meta.getName() + "." + meta.getNamespace() + ".svc";
    String serverName = annotations.getOrDefault(SERVER_NAME, host).trim();
    String secret = annotations.get(TLS_SECRET);
    String owner = annotations.get(OWNER);
    List<DiscoveredTarget> out = new ArrayList<>();
    for (ServicePort p : service.getSpec().getPorts()) {
      if (p.getPort() == null || !isTcp(p)) {
        continue;
      }
      boolean pick = annotated
          ? chosen.isEmpty() || chosen.contains(String.valueOf(p.getPort()))
              || (p.getName() != null && chosen.contains(p.getName()))
          : isTlsPort(p);
      if (pick) {
        out.add(new DiscoveredTarget(host, p.getPort(), serverName, ProbeSource.SERVICE,
            ProbeProtocol.forService(p.getAppProtocol(), p.getName(), p.getPort()),
            meta.getNamespace(), secret, owner, null));
      }
    }
    return List.copyOf(out);
  }

  private static boolean isTcp(ServicePort p) {
    return p.getProtocol() == null || p.getProtocol().equals("TCP");
  }

  static boolean isTlsPort(ServicePort p) {
    String name = p.getName() == null ? "" : p.getName();
    return name.equals("https") || name.equals("tls") || name.endsWith("-https")
        || "https".equalsIgnoreCase(p.getAppProtocol());
  }

  static List<DiscoveredTarget> of(Ingress ingress) {
    if (ingress.getSpec() == null || ingress.getSpec().getTls() == null) {
      return List.of();
    }
    String namespace = ingress.getMetadata().getNamespace();
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    String owner = annotations == null ? null : annotations.get(OWNER);
    Map<String, DiscoveredTarget> byHost = new LinkedHashMap<>();
    for (IngressTLS tls : ingress.getSpec().getTls()) {
      if (tls.getHosts() == null) {
        continue;
      }
      for (String host : tls.getHosts()) {
        if (host == null || host.isBlank() || host.startsWith("*")) {
          continue;
        }
        byHost.putIfAbsent(host, new DiscoveredTarget(
            host, 443, host, ProbeSource.INGRESS, ProbeProtocol.TLS, namespace, tls.getSecretName(),
            owner, null));
      }
    }
    return List.copyOf(byHost.values());
  }
}
