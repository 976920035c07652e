package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sockscope.peers.PeerNames;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Namespace-scoped informers (never a cluster-wide watch) feeding the target index, the peer-name
 * index and the Secret inventory. Starting never blocks and never fails on the API server: the
 * informers list and watch in the background and retry with backoff; readers see snapshots.
 */
public final class KubernetesWatch implements AutoCloseable {
  private final String namespace;
  private Set<WatchedResource> required = Set.of();
  private final Map<WatchedResource, InformerHealth> health = new EnumMap<>(WatchedResource.class);
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final TargetIndex targets = new TargetIndex();
  private final PeerNameIndex peers = new PeerNameIndex();
  private final SecretInventory secrets = new SecretInventory();
  private PeerNamePublisher publisher; // null unless publishing
  private SharedIndexInformer<Secret> secretInformer; // kept to check its cache holds no key
  private final ScheduledExecutorService monitor =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("kubernetes-health").factory());

  private KubernetesWatch(String namespace) {
    this.namespace = namespace;
  }

  /** Starts one informer per resource of {@code plan} in {@code namespace}. */
  public static KubernetesWatch start(
      KubernetesClient client, String namespace, Set<WatchedResource> plan) {
    KubernetesWatch w = new KubernetesWatch(namespace);
    w.required = WatchedResource.requiredIn(plan);
    // The namespace prober's plan has Ingresses (discovery) and EndpointSlices (peer names).
    boolean discovery = plan.contains(WatchedResource.INGRESSES);
    boolean naming = plan.contains(WatchedResource.ENDPOINTSLICES);
    if (plan.contains(WatchedResource.SERVICES)) {
      w.run(WatchedResource.SERVICES, client.services().inNamespace(namespace).runnableInformer(0),
          (Service s) -> {
            if (discovery) {
              w.targets.put(s);
            }
            if (naming) {
              w.peers.put(s);
            }
          },
          s -> {
            w.targets.remove(s);
            w.peers.remove(s);
          });
    }
    if (naming) {
      w.run(WatchedResource.ENDPOINTSLICES,
          client.discovery().v1().endpointSlices().inNamespace(namespace).runnableInformer(0),
          (EndpointSlice e) -> w.peers.put(e), w.peers::remove);
    }
    if (discovery) {
      w.run(WatchedResource.INGRESSES,
          client.network().v1().ingresses().inNamespace(namespace).runnableInformer(0),
          (Ingress i) -> w.targets.put(i), w.targets::remove);
    }
    if (plan.contains(WatchedResource.SECRETS)) {
      // Filtered by the API server: other Secret types (tokens, credentials) are never sent.
      SharedIndexInformer<Secret> informer = client.secrets().inNamespace(namespace)
          .withField("type", SecretCerts.TLS_TYPE).runnableInformer(0)
          .itemStore(new KeylessSecretStore());
      w.secretInformer = informer;
      w.run(WatchedResource.SECRETS, informer, w.secrets::put, w.secrets::remove);
    }
    w.monitor.scheduleWithFixedDelay(w::check, 200, 500, TimeUnit.MILLISECONDS);
    return w;
  }

  private <T> void run(WatchedResource resource, SharedIndexInformer<T> informer,
      java.util.function.Consumer<T> put, java.util.function.Consumer<T> remove) {
    InformerHealth h = new InformerHealth(resource, namespace);
    h.attach(informer);
    health.put(resource, h);
    informer.addEventHandler(new IndexHandler<>(resource, put, remove));
    informer.exceptionHandler(h.exceptionHandler());
    informers.add(informer);
    informer.start(); // asynchronous: the first list runs in the background
  }

  private void check() {
    health.values().forEach(InformerHealth::check);
  }

  public String namespace() {
    return namespace;
  }

  public KubernetesTargets targets() {
    return targets;
  }

  /**
   * The hook for the TLS scheduler: {@code listener} gets the full list of discovered targets now
   * and after every change (sources service and ingress), on an informer thread; it must be quick.
   * Map each with {@code ProbeTarget.of(t.host(), t.port(), t.explicitServerName(),
   * t.source().label())}, whose {@code id()} equals {@link DiscoveredTarget#id()}.
   */
  public void onTargets(java.util.function.Consumer<List<DiscoveredTarget>> listener) {
    targets.onChange(listener);
  }

  /**
   * Publishes the peer-name table into ConfigMap {@code name} (debounced 2 s, retried every 10 s
   * after a failure) for the sidecars of the namespace; closed with this watch.
   */
  public PeerNamePublisher publishPeerNames(KubernetesClient client, String name, int maxEntries) {
    PeerNamePublisher p = new PeerNamePublisher(client, namespace, name, maxEntries,
        java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(10), peers::table);
    publisher = p;
    peers.onChange(p::changed);
    p.changed(); // an empty namespace still gets its (empty) table
    return p;
  }

  /** The current address → Service table (empty unless the plan watches EndpointSlices). */
  public io.sockscope.peers.PeerNameTable peerNameTable() {
    return peers.table();
  }

  /** Peer names; {@link PeerNames#NONE} when the plan does not watch EndpointSlices. */
  public PeerNames peerNames() {
    return health.containsKey(WatchedResource.ENDPOINTSLICES) ? peers : PeerNames.NONE;
  }

  public SecretInventory secrets() {
    return secrets;
  }

  /** What the Secrets informer keeps in memory (tests: never a key). */
  List<Secret> cachedSecrets() {
    return secretInformer == null ? List.of() : secretInformer.getStore().list();
  }

  /** One entry per watched resource, in label order. */
  public List<InformerHealth> health() {
    return List.copyOf(health.values());
  }

  /** True once every required informer ({@link WatchedResource#requiredIn}) has synced. */
  public boolean ready() {
    return health.values().stream()
        .filter(h -> required.contains(h.resource()))
        .allMatch(InformerHealth::synced);
  }

  /** The {@code kubernetes} section of /api/v1/snapshot: public facts only, never Secret data. */
  public Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("namespace", namespace);
    Map<String, Object> watches = new LinkedHashMap<>();
    health.forEach((r, h) -> {
      Map<String, Long> errors = new LinkedHashMap<>();
      h.errors().forEach((reason, n) -> {
        if (n > 0) {
          errors.put(reason.label(), n);
        }
      });
      watches.put(r.label(), Map.of("synced", h.synced(), "errors", errors));
    });
    out.put("watches", watches);
    out.put("targets", targets.current());
    out.put("secrets", secrets.all());
    return out;
  }

  @Override
  public void close() {
    monitor.shutdownNow();
    if (publisher != null) {
      publisher.close();
    }
    informers.forEach(SharedIndexInformer::close);
  }
}
