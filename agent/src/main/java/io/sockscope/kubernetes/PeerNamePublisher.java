package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sockscope.peers.PeerNameTable;
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
 * The namespace prober's side of peer naming (docs/kubernetes.md, "Peer names"): writes the
 * address → Service table into one ConfigMap that every sidecar of the namespace mounts, so no
 * sidecar needs API access. Debounced: a rollout changes EndpointSlices many times a second, and
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
  private final Supplier<PeerNameTable> table;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("peer-names").factory());
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong errors = new AtomicLong();
  private final RateLimitedLog errorLog = RateLimitedLog.perMinute(logger);
  private volatile String published;
  private volatile int publishedEntries;
  private volatile int cut;

  PeerNamePublisher(KubernetesClient client, String namespace, String name, int maxEntries,
      Duration debounce, Duration retry, Supplier<PeerNameTable> table) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.maxEntries = maxEntries;
    this.debounce = debounce;
    this.retry = retry;
    this.table = table;
  }

  /** The table changed: write it within {@code debounce}, once for any number of changes. */
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
    PeerNameTable.Formatted f = table.get().format(maxEntries);
    cut = f.cut();
    if (f.text().equals(published)) {
      return;
    }
    try {
      write(f.text());
      published = f.text();
      publishedEntries = f.entries();
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
  private void write(String text) {
    var resource = client.configMaps().inNamespace(namespace).withName(name);
    if (resource.get() != null) {
      resource.edit(c -> new ConfigMapBuilder(c).withData(Map.of(PeerNameTable.KEY, text)).build());
      return;
    }
    ConfigMap cm = new ConfigMapBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "sockscope")
        .addToLabels("app.kubernetes.io/component", "peer-names")
        .endMetadata()
        .withData(Map.of(PeerNameTable.KEY, text))
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

  public long errors() {
    return errors.get();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
