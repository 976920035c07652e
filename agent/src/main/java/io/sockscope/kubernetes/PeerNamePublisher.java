package io.sockscope.kubernetes;

import io.sockscope.util.CappedLines;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sockscope.peers.PeerNameTable;
import io.sockscope.tls.SecretFingerprints;
import io.sockscope.util.RateLimitedLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What the namespace prober publishes for the sidecars, in one ConfigMap that every sidecar of the
 * namespace mounts, so no sidecar needs API access (docs/architecture.md, "Published for the
 * sidecars"): the address → Service table (key {@code peers}, docs/kubernetes.md, "Peer names")
 * and the leaf of every Secret key (key {@code certificates}, {@link SecretFingerprints}), which a
 * sidecar compares with its pod's certificate files. Debounced: a rollout changes EndpointSlices many times a second, and
 * each write is copied to every node's kubelet, so changes within {@code debounce} are written once.
 * A failed write is retried after {@code retry}; the sidecars keep the last table meanwhile.
 */
public final class PeerNamePublisher implements AutoCloseable {
  private static final System.Logger logger = System.getLogger(PeerNamePublisher.class.getName());

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final int maxEntries;
  private final Duration debounce;
  private final Duration retry;
  private final Supplier<PeerNameTable> table; // null: no peers key
  private final Supplier<SecretFingerprints> certificates; // null: no certificates key
  private final int maxCertificates;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("peer-names").factory());
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong errors = new AtomicLong();
  private final RateLimitedLog errorLog = RateLimitedLog.perMinute(logger);
  private volatile Map<String, String> published;
  private volatile int publishedEntries;
  private volatile int cut;
  private volatile int publishedCertificates;
  private volatile int cutCertificates;

  PeerNamePublisher(KubernetesClient client, String namespace, String name, int maxEntries,
      Duration debounce, Duration retry, Supplier<PeerNameTable> table,
      Supplier<SecretFingerprints> certificates, int maxCertificates) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.maxEntries = maxEntries;
    this.debounce = debounce;
    this.retry = retry;
    this.table = table;
    this.certificates = certificates;
    this.maxCertificates = maxCertificates;
  }

  /** A table changed: write it within {@code debounce}, once for any number of changes. */
  void changed() {
    schedule(debounce);
  }

  private void schedule(Duration delay) {
    if (pending.compareAndSet(false, true)) {
      executor.schedule(this::publish, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void publish() {
    pending.set(false);
    Map<String, String> data = new java.util.TreeMap<>();
    CappedLines f = null;
    CappedLines c = null;
    if (table != null) {
      f = table.get().format(maxEntries);
      cut = f.cut();
      data.put(PeerNameTable.KEY, f.text());
    }
    if (certificates != null) {
      c = certificates.get().format(maxCertificates);
      cutCertificates = c.cut();
      data.put(SecretFingerprints.KEY, c.text());
    }
    if (data.equals(published)) {
      return;
    }
    try {
      write(data);
      published = Map.copyOf(data);
      publishedEntries = f == null ? 0 : f.entries();
      publishedCertificates = c == null ? 0 : c.entries();
    } catch (KubernetesClientException e) {
      errors.incrementAndGet();
      errorLog.log(System.Logger.Level.WARNING, "write", "peer names: cannot write ConfigMap " + namespace + "/" + name
          + " (HTTP " + e.getCode() + "): " + firstLine(rootMessage(e)) + "; retrying in "
          + retry.toSeconds() + " s");
      schedule(retry);
    } catch (RuntimeException e) {
      errors.incrementAndGet();
      errorLog.log(System.Logger.Level.WARNING, "write", "peer names: cannot write ConfigMap " + namespace + "/" + name + ": " + e);
      schedule(retry);
    }
  }

  /** Patch when it exists (get + patch on this one name), create otherwise. */
  private void write(Map<String, String> data) {
    var resource = client.configMaps().inNamespace(namespace).withName(name);
    if (resource.get() != null) {
      resource.edit(c -> new ConfigMapBuilder(c).withData(data).build());
      return;
    }
    ConfigMap cm = new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "sockscope")
        .addToLabels("app.kubernetes.io/component", "peer-names")
        .endMetadata()
        .withData(data)
        .build();
    client.configMaps().inNamespace(namespace).resource(cm).create();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  public String configMapName() {
    return name;
  }

  /** Entries in the last table written. */
  public int publishedEntries() {
    return publishedEntries;
  }

  /** Addresses left out of the last table by {@code kubernetes.peerNamesMax} or the 1 MiB limit. */
  public int cutEntries() {
    return cut;
  }

  /** Secret keys in the last certificate table written. */
  public int publishedCertificates() {
    return publishedCertificates;
  }

  /** Secret keys left out of it by {@code kubernetes.publishedCertificatesMax} or its 96 KiB. */
  public int cutCertificates() {
    return cutCertificates;
  }

  public long errors() {
    return errors.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
