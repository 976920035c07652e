package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
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
  private final TargetIndex targets;
  private final PeerNameIndex peers = new PeerNameIndex();
  private final SecretInventory secrets = new SecretInventory();
  private final StoredCertificates stored;
  private PeerNamePublisher publisher; // null unless publishing
  private SharedIndexInformer<Secret> secretInformer; // kept to check its cache holds no key
  private SharedIndexInformer<Secret> opaqueInformer;
  private final ScheduledExecutorService monitor =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("kubernetes-health").factory());

  /**
   * Caps of what the watch derives.
   *
   * @param backendsPerService backend targets per Service port (kubernetes.backendsPerService)
   * @param maxStoredCertificates stored-certificate series (kubernetes.maxStoredCertificates)
   */
  public record Settings(int backendsPerService, int maxStoredCertificates) {
    public static final Settings DEFAULTS = new Settings(20, 1000);
  }

  private KubernetesWatch(String namespace, Settings settings) {
    this.namespace = namespace;
    this.targets = new TargetIndex(settings.backendsPerService());
    this.stored = new StoredCertificates(settings.maxStoredCertificates());
  }

  /** Starts one informer per resource of {@code plan} in {@code namespace}, default caps. */
  public static KubernetesWatch start(
      KubernetesClient client, String namespace, Set<WatchedResource> plan) {
    return start(client, namespace, plan, Settings.DEFAULTS);
  }

  /** Starts one informer per resource of {@code plan} in {@code namespace}. */
  public static KubernetesWatch start(
      KubernetesClient client, String namespace, Set<WatchedResource> plan, Settings settings) {
    KubernetesWatch w = new KubernetesWatch(namespace, settings);
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
      // The prober's backends and the peer names read the same slices.
      w.run(WatchedResource.ENDPOINTSLICES,
          client.discovery().v1().endpointSlices().inNamespace(namespace).runnableInformer(0),
          (EndpointSlice e) -> {
            w.peers.put(e);
            if (discovery) {
              w.targets.put(e);
            }
          },
          e -> {
            w.peers.remove(e);
            w.targets.remove(e);
          });
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
          .itemStore(new StrippedStore<>(SecretCerts::stripped));
      w.secretInformer = informer;
      w.run(WatchedResource.SECRETS, informer, (Secret s) -> {
        w.secrets.put(s);
        w.stored.put(s);
      }, s -> {
        w.secrets.remove(s);
        w.stored.remove(s);
      });
    }
    if (plan.contains(WatchedResource.OPAQUE_SECRETS)) {
      // A second filtered informer: service-account tokens, Helm releases and other types are
      // never sent. Opaque Secrets are stripped to their certificates before they are cached.
      SharedIndexInformer<Secret> informer = client.secrets().inNamespace(namespace)
          .withField("type", SecretCerts.OPAQUE_TYPE).runnableInformer(0)
          .itemStore(new StrippedStore<>(SecretCerts::stripped));
      w.opaqueInformer = informer;
      w.run(WatchedResource.OPAQUE_SECRETS, informer, (Secret s) -> {
        if (SecretCerts.OPAQUE_TYPE.equals(s.getType())) {
          w.stored.put(s);
        }
      }, w.stored::remove);
    }
    if (plan.contains(WatchedResource.CONFIGMAPS)) {
      w.run(WatchedResource.CONFIGMAPS, client.configMaps().inNamespace(namespace)
          .runnableInformer(0).itemStore(new StrippedStore<>(ConfigMapCerts::stripped)),
          (ConfigMap c) -> w.stored.put(c), w.stored::remove);
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
   * Map each with {@link DiscoveredTarget#probeTarget()}.
   */
  public void onTargets(java.util.function.Consumer<List<DiscoveredTarget>> listener) {
    targets.onChange(listener);
  }

  /**
   * Publishes the peer-name table into ConfigMap {@code name} (debounced 2 s, retried every 10 s
   * after a failure) for the sidecars of the namespace; closed with this watch.
   */
  public PeerNamePublisher publishPeerNames(KubernetesClient client, String name, int maxEntries) {
    return publish(client, name, maxEntries, -1);
  }

  /**
   * Publishes for the sidecars, into ConfigMap {@code name}: the peer-name table when the plan
   * watches EndpointSlices, and the leaf of every Secret key (at most {@code maxCertificates}
   * keys; negative: not published) when it watches Secrets. Closed with this watch.
   */
  public PeerNamePublisher publish(KubernetesClient client, String name, int maxPeers,
      int maxCertificates) {
    boolean naming = health.containsKey(WatchedResource.ENDPOINTSLICES);
    boolean leaves = maxCertificates >= 0 && (health.containsKey(WatchedResource.SECRETS)
        || health.containsKey(WatchedResource.OPAQUE_SECRETS));
    PeerNamePublisher p = new PeerNamePublisher(client, namespace, name, maxPeers,
        java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(10),
        naming ? peers::table : null, leaves ? stored::secretLeaves : null,
        Math.max(0, maxCertificates));
    publisher = p;
    if (naming) {
      peers.onChange(p::changed);
    }
    if (leaves) {
      stored.onSecretLeavesChange(p::changed);
    }
    p.changed(); // an empty namespace still gets its (empty) tables
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

  /** Certificates stored in Secrets and ConfigMaps, and the Secrets' owners. */
  public StoredCertificates stored() {
    return stored;
  }

  /** What the Secrets informers keep in memory (tests: never a key). */
  List<Secret> cachedSecrets() {
    List<Secret> out = new ArrayList<>();
    for (var i : java.util.Arrays.asList(secretInformer, opaqueInformer)) {
      if (i != null) {
        out.addAll(i.getStore().list());
      }
    }
    return out;
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
    out.put("targets", targets.current().stream().map(KubernetesWatch::describe).toList());
    out.put("secrets", secrets.all());
    out.put("storedCertificates", stored.snapshot().certificates());
    return out;
  }

  /** One target as the snapshot shows it: its {@code target} label first, as /metrics spells it. */
  private static Map<String, Object> describe(DiscoveredTarget t) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("target", t.id());
    out.put("source", t.source().label());
    out.put("protocol", t.protocol().label());
    if (t.secretName() != null) {
      out.put("secret", t.secretName());
    }
    if (t.owner() != null) {
      out.put("owner", t.owner());
    }
    if (t.backend() != null) {
      out.put("service", t.backend().service());
      out.put("pod", t.backend().pod());
    }
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
