package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.sockscope.tls.ProbeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Targets per Service and Ingress, and the backends of each Service from its EndpointSlices,
 * updated by informer handlers; readers get the immutable snapshot published after each change.
 * Listeners are called under the lock so that two informer threads can never deliver snapshots out
 * of order.
 */
final class TargetIndex implements KubernetesTargets {
  private static final Comparator<DiscoveredTarget> ORDER =
      Comparator.comparing(DiscoveredTarget::source).thenComparing(DiscoveredTarget::address);

  private final int backendsPerService;
  private final Map<String, List<DiscoveredTarget>> byObject = new HashMap<>();
  private final Map<String, Service> services = new HashMap<>(); // "ns/name" -> Service
  private final Map<String, Map<String, EndpointSlice>> slices = new HashMap<>(); // by service key
  private final Map<String, Integer> cutByService = new HashMap<>();
  private final List<Consumer<List<DiscoveredTarget>>> listeners = new CopyOnWriteArrayList<>();
  private volatile List<DiscoveredTarget> snapshot = List.of();
  private volatile int backendsCut;

  /** {@code backendsPerService}: the cap of backend targets per Service port, 0 = none. */
  TargetIndex(int backendsPerService) {
    this.backendsPerService = backendsPerService;
  }

  TargetIndex() {
    this(0);
  }

  synchronized void put(Service s) {
    services.put(serviceKey(s.getMetadata().getNamespace(), s.getMetadata().getName()), s);
    replace(key("service", s), serviceTargets(s));
  }

  void put(Ingress i) {
    replace(key("ingress", i), TargetRules.of(i));
  }

  synchronized void remove(Service s) {
    services.remove(serviceKey(s.getMetadata().getNamespace(), s.getMetadata().getName()));
    cutByService.remove(key("service", s));
    replace(key("service", s), List.of());
  }

  void remove(Ingress i) {
    replace(key("ingress", i), List.of());
  }

  /** A slice of a Service ({@code kubernetes.io/service-name}) changes that Service's backends. */
  synchronized void put(EndpointSlice slice) {
    String service = serviceOf(slice);
    if (service == null) {
      return;
    }
    slices.computeIfAbsent(service, k -> new HashMap<>()).put(slice.getMetadata().getName(), slice);
    refresh(service);
  }

  synchronized void remove(EndpointSlice slice) {
    String service = serviceOf(slice);
    if (service == null) {
      return;
    }
    Map<String, EndpointSlice> mine = slices.get(service);
    if (mine != null && mine.remove(slice.getMetadata().getName()) != null) {
      if (mine.isEmpty()) {
        slices.remove(service);
      }
      refresh(service);
    }
  }

  private void refresh(String serviceKey) {
    Service s = services.get(serviceKey);
    if (s != null) {
      replace(key("service", s), serviceTargets(s));
    }
  }

  /** The Service's own targets, then one per ready backend of each (bounded). */
  private List<DiscoveredTarget> serviceTargets(Service s) {
    List<DiscoveredTarget> own = TargetRules.of(s);
    if (backendsPerService <= 0 || own.isEmpty()) {
      return own;
    }
    String sk = serviceKey(s.getMetadata().getNamespace(), s.getMetadata().getName());
    var backends = BackendRules.of(s, own,
        slices.getOrDefault(sk, Map.of()).values(), backendsPerService);
    if (backends.cut() > 0) {
      cutByService.put(key("service", s), backends.cut());
    } else {
      cutByService.remove(key("service", s));
    }
    backendsCut = cutByService.values().stream().mapToInt(Integer::intValue).sum();
    if (backends.targets().isEmpty()) {
      return own;
    }
    List<DiscoveredTarget> all = new ArrayList<>(own);
    all.addAll(backends.targets());
    return List.copyOf(all);
  }

  private static String serviceOf(EndpointSlice slice) {
    var labels = slice.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(PeerNameIndex.SERVICE_NAME_LABEL);
    return name == null ? null : serviceKey(slice.getMetadata().getNamespace(), name);
  }

  private static String serviceKey(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static String key(String kind, HasMetadata o) {
    return kind + "/" + o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  private synchronized void replace(String key, List<DiscoveredTarget> targets) {
    if (targets.equals(byObject.getOrDefault(key, List.of()))) {
      return; // a status or label change: same targets, nothing to rebuild
    }
    if (targets.isEmpty()) {
      byObject.remove(key);
    } else {
      byObject.put(key, targets);
    }
    // Two Ingresses may name the same host: the first (by object key) wins, so the target is
    // probed once and its labels stay stable.
    Map<String, DiscoveredTarget> unique = new LinkedHashMap<>();
    byObject.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .flatMap(e -> e.getValue().stream())
        .forEach(t -> unique.putIfAbsent(t.source() + " " + t.id(), t));
    List<DiscoveredTarget> next = new ArrayList<>(unique.values());
    next.sort(ORDER);
    if (next.equals(snapshot)) {
      return;
    }
    snapshot = List.copyOf(next);
    listeners.forEach(l -> l.accept(snapshot));
  }

  @Override
  public List<DiscoveredTarget> current() {
    return snapshot;
  }

  @Override
  public synchronized void onChange(Consumer<List<DiscoveredTarget>> listener) {
    listeners.add(listener);
    listener.accept(snapshot);
  }

  @Override
  public Map<ProbeSource, Integer> counts() {
    Map<ProbeSource, Integer> counts = new EnumMap<>(ProbeSource.class);
    for (ProbeSource s : DiscoveredTarget.SOURCES) {
      counts.put(s, 0);
    }
    snapshot.forEach(t -> counts.merge(t.source(), 1, Integer::sum));
    return counts;
  }

  @Override
  public int backendsCut() {
    return backendsCut;
  }
}
