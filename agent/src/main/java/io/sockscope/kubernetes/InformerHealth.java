package io.sockscope.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sync state and failures of one informer. Failures are counted by reason and logged once per
 * change of state (failing for a new reason, recovered), never once per retry: an API server that
 * is down for an hour must not fill the log, the counter carries the rate.
 */
public final class InformerHealth {
  private static final Logger logger = System.getLogger(InformerHealth.class.getName());

  private final WatchedResource resource;
  private final String namespace;
  private final Map<ErrorReason, AtomicLong> errors = new EnumMap<>(ErrorReason.class);
  private volatile SharedIndexInformer<?> informer;
  private ErrorReason failing; // guarded by this; null while healthy
  private boolean announcedSync;

  InformerHealth(WatchedResource resource, String namespace) {
    this.resource = resource;
    this.namespace = namespace;
    for (ErrorReason r : ErrorReason.values()) {
      errors.put(r, new AtomicLong());
    }
  }

  void attach(SharedIndexInformer<?> informer) {
    this.informer = informer;
  }

  public WatchedResource resource() {
    return resource;
  }

  /** True once the first list has been stored; stays true through later watch failures. */
  public boolean synced() {
    SharedIndexInformer<?> i = informer;
    return i != null && i.hasSynced();
  }

  /** Failures so far, every reason present. */
  public Map<ErrorReason, Long> errors() {
    Map<ErrorReason, Long> out = new EnumMap<>(ErrorReason.class);
    errors.forEach((r, n) -> out.put(r, n.get()));
    return out;
  }

  /**
   * Always retry, whether the informer had started or not: Fabric8 then re-lists after its
   * exponential backoff (watchReconnectInterval, 1 s by default, doubling up to 32 s). Its default
   * gives up on a failed first list or a broken watch, which would stop discovery for good.
   */
  ExceptionHandler exceptionHandler() {
    return (started, error) -> {
      failed(ErrorReason.of(error), error);
      return true;
    };
  }

  synchronized void failed(ErrorReason reason, Throwable error) {
    errors.get(reason).incrementAndGet();
    if (reason != failing) {
      failing = reason;
      logger.log(Level.WARNING, "kubernetes: " + describe() + " failed (" + reason.label() + ": "
          + firstLine(error) + "); retrying with backoff, the agent carries on without it");
    }
  }

  /** Logs the transitions the exception handler cannot see: first sync and recovery. */
  synchronized void check() {
    SharedIndexInformer<?> i = informer;
    if (i == null) {
      return;
    }
    if (!announcedSync && i.hasSynced()) {
      announcedSync = true;
      logger.log(Level.INFO, "kubernetes: " + describe() + " synced ("
          + i.getStore().list().size() + " objects)");
    }
    if (failing != null && i.hasSynced() && i.isWatching()) {
      logger.log(Level.INFO, "kubernetes: " + describe() + " recovered after " + failing.label());
      failing = null;
    }
  }

  private String describe() {
    return "watch of " + resource.label() + " in namespace " + namespace;
  }

  /** The API server's own words when it answered (Status.message), else the first line. */
  private static String firstLine(Throwable error) {
    for (Throwable c = error; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof KubernetesClientException k && k.getStatus() != null
          && k.getStatus().getMessage() != null) {
        return truncate(k.getStatus().getMessage());
      }
    }
    Throwable t = error;
    while (t.getCause() != null && t.getCause() != t && t.getMessage() == null) {
      t = t.getCause();
    }
    return truncate(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
  }

  private static String truncate(String m) {
    int nl = m.indexOf('\n');
    m = nl < 0 ? m : m.substring(0, nl);
    return m.length() > 300 ? m.substring(0, 300) + "..." : m;
  }
}
