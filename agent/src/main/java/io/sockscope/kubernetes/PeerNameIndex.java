package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.sockscope.peers.PeerNameTable;
import io.sockscope.peers.PeerNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IP → {@code service.namespace} from Service ClusterIPs and EndpointSlice addresses. When an IP
 * has several names (a pod behind two Services), a ClusterIP wins over an endpoint address and
 * then the alphabetically first name, so the {@code peer} label does not flap between scrapes.
 */
final class PeerNameIndex implements PeerNames {
  static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final Map<String, List<String>> clusterIps = new HashMap<>(); // service key -> IPs
  private final Map<String, SliceIps> slices = new HashMap<>(); // slice key -> IPs
  private volatile PeerNameTable snapshot = PeerNameTable.EMPTY;
  private volatile Runnable onChange = () -> {};

  private record SliceIps(String name, List<String> ips) {}

  synchronized void put(Service s) {
    List<String> ips = new ArrayList<>();
    if (s.getSpec() != null) {
      if (s.getSpec().getClusterIPs() != null) {
        s.getSpec().getClusterIPs().forEach(ip -> addNormalized(ips, ip));
      }
      addNormalized(ips, s.getSpec().getClusterIP());
    }
    String key = name(s.getMetadata().getName(), s.getMetadata().getNamespace());
    if (!ips.equals(clusterIps.put(key, ips))) {
      publish();
    }
  }

  synchronized void remove(Service s) {
    if (clusterIps.remove(name(s.getMetadata().getName(), s.getMetadata().getNamespace())) != null) {
      publish();
    }
  }

  synchronized void put(EndpointSlice slice) {
    var meta = slice.getMetadata();
    String service = meta.getLabels() == null ? null : meta.getLabels().get(SERVICE_NAME_LABEL);
    String key = meta.getNamespace() + "/" + meta.getName();
    if (service == null || slice.getEndpoints() == null) {
      if (slices.remove(key) != null) {
        publish();
      }
      return;
    }
    List<String> ips = new ArrayList<>();
    for (Endpoint e : slice.getEndpoints()) {
      if (e.getAddresses() != null) {
        e.getAddresses().forEach(ip -> addNormalized(ips, ip));
      }
    }
    // Most slice updates flip an endpoint's readiness and leave the addresses as they were: the
    // names do not change, so the index is not rebuilt.
    SliceIps next = new SliceIps(name(service, meta.getNamespace()), ips);
    if (!next.equals(slices.put(key, next))) {
      publish();
    }
  }

  synchronized void remove(EndpointSlice slice) {
    if (slices.remove(slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName()) != null) {
      publish();
    }
  }

  private static String name(String service, String namespace) {
    return service + "." + namespace;
  }

  private static void addNormalized(List<String> ips, String ip) {
    normalize(ip).ifPresent(ips::add);
  }

  /** Rebuilds the snapshot from the stored, already normalized addresses. */
  private void publish() {
    Map<String, String> fromEndpoints = new HashMap<>();
    slices.values().forEach(s -> s.ips().forEach(ip -> merge(fromEndpoints, ip, s.name())));
    Map<String, String> fromClusterIps = new HashMap<>();
    clusterIps.forEach((name, ips) -> ips.forEach(ip -> merge(fromClusterIps, ip, name)));
    Map<String, String> next = new HashMap<>(fromEndpoints);
    next.putAll(fromClusterIps);
    snapshot = new PeerNameTable(next);
    onChange.run();
  }

  /** The current table (the namespace prober publishes it for the sidecars). */
  PeerNameTable table() {
    return snapshot;
  }

  /** {@code listener} runs after every change, on an informer thread: it must be quick. */
  void onChange(Runnable listener) {
    onChange = listener;
  }

  private static void merge(Map<String, String> map, String ip, String name) {
    map.merge(ip, name, (a, b) -> a.compareTo(b) <= 0 ? a : b);
  }

  static Optional<String> normalize(String ip) {
    return PeerNameTable.normalize(ip);
  }

  @Override
  public Optional<String> nameOf(String ip) {
    return snapshot.nameOf(ip);
  }
}
