package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
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
 * Targets per Service and Ingress, updated by informer handlers; readers get the immutable
 * snapshot published after each change. Listeners are called under the lock so that two informer
 * threads can never deliver snapshots out of order.
 */
final class TargetIndex implements KubernetesTargets {
  private static final Comparator<DiscoveredTarget> ORDER =
      Comparator.comparing(DiscoveredTarget::source).thenComparing(DiscoveredTarget::address);

  private final Map<String, List<DiscoveredTarget>> byObject = new HashMap<>();
  private final List<Consumer<List<DiscoveredTarget>>> listeners = new CopyOnWriteArrayList<>();
  private volatile List<DiscoveredTarget> snapshot = List.of();

  void put(Service s) {
    replace(key("service", s), TargetRules.of(s));
  }

  void put(Ingress i) {
    replace(key("ingress", i), TargetRules.of(i));
  }

  void remove(Service s) {
    replace(key("service", s), List.of());
  }

  void remove(Ingress i) {
    replace(key("ingress", i), List.of());
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
        .forEach(t -> unique.putIfAbsent(t.source() + " " + t.address(), t));
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
}
