package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.sockscope.tls.ProbeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The backends of a Service's TLS targets: every ready endpoint address of the Service's
 * EndpointSlices, on the slice port that carries the Service port's name, sent the Service's server
 * name. Probing the Service address lets the load balancer pick one replica per probe, which hides
 * the replica that still serves a rotated-away certificate; probing each backend does not.
 *
 * <p>Bounded: at most {@code cap} backends per Service port, chosen by pod name then address so
 * the choice is stable; the rest is counted as cut (sockscope_series_cut{family="sockscope_tls_backend_info"}).
 */
final class BackendRules {
  private BackendRules() {}

  /** Backend targets and how many the cap left out. */
  record Result(List<DiscoveredTarget> targets, int cut) {
    static final Result NONE = new Result(List.of(), 0);
  }

  private record Candidate(String ip, int port, String pod) {}

  static Result of(Service service, List<DiscoveredTarget> serviceTargets,
      Collection<EndpointSlice> slices, int cap) {
    if (cap <= 0 || serviceTargets.isEmpty() || slices.isEmpty() || service.getSpec() == null
        || service.getSpec().getPorts() == null) {
      return Result.NONE;
    }
    List<DiscoveredTarget> out = new ArrayList<>();
    int cut = 0;
    for (DiscoveredTarget target : serviceTargets) {
      String portName = portName(service, target.port());
      Map<String, Candidate> byAddress = new LinkedHashMap<>();
      for (EndpointSlice slice : slices) {
        Integer port = slicePort(slice, portName);
        if (port == null || slice.getEndpoints() == null) {
          continue;
        }
        for (Endpoint e : slice.getEndpoints()) {
          if (!ready(e) || e.getAddresses() == null) {
            continue;
          }
          String pod = e.getTargetRef() != null && "Pod".equals(e.getTargetRef().getKind())
              ? e.getTargetRef().getName() : "";
          for (String ip : e.getAddresses()) {
            PeerNameIndex.normalize(ip).ifPresent(a ->
                byAddress.putIfAbsent(a + " " + port, new Candidate(a, port, pod)));
          }
        }
      }
      List<Candidate> sorted = byAddress.values().stream()
          .sorted(Comparator.comparing(Candidate::pod).thenComparing(Candidate::ip)
              .thenComparingInt(Candidate::port)).toList();
      cut += Math.max(0, sorted.size() - cap);
      for (Candidate c : sorted.subList(0, Math.min(cap, sorted.size()))) {
        // The Service port's protocol (STARTTLS or not) is the backend's too.
        out.add(new DiscoveredTarget(c.ip(), c.port(), target.serverName(), ProbeSource.BACKEND,
            target.protocol(), target.namespace(), target.secretName(), target.owner(),
            new DiscoveredTarget.Backend(target.id(), c.pod())));
      }
    }
    return new Result(List.copyOf(out), cut);
  }

  /** The name of the Service port {@code port} (EndpointSlice ports carry it), "" if unnamed. */
  private static String portName(Service service, int port) {
    for (ServicePort p : service.getSpec().getPorts()) {
      if (p.getPort() != null && p.getPort() == port) {
        return p.getName() == null ? "" : p.getName();
      }
    }
    return "";
  }

  private static Integer slicePort(EndpointSlice slice, String name) {
    if (slice.getPorts() == null) {
      return null;
    }
    for (EndpointPort p : slice.getPorts()) {
      String n = p.getName() == null ? "" : p.getName();
      boolean tcp = p.getProtocol() == null || p.getProtocol().equals("TCP");
      if (n.equals(name) && tcp && p.getPort() != null) {
        return p.getPort();
      }
    }
    return null;
  }

  /** A nil ready condition means ready (discovery.k8s.io/v1); terminating endpoints are not. */
  private static boolean ready(Endpoint e) {
    return e.getConditions() == null || !Objects.equals(e.getConditions().getReady(), false);
  }
}
