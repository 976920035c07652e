package io.sockscope.kubernetes;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.sockscope.util.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.util.function.Consumer;

/** Informer events → index updates, nothing else (no I/O, no blocking, no logging of objects). */
final class IndexHandler<T> implements ResourceEventHandler<T> {
  private static final RateLimitedLog log =
      RateLimitedLog.perMinute(System.getLogger(IndexHandler.class.getName()));

  private final WatchedResource resource;
  private final Consumer<T> put;
  private final Consumer<T> remove;

  IndexHandler(WatchedResource resource, Consumer<T> put, Consumer<T> remove) {
    this.resource = resource;
    this.put = put;
    this.remove = remove;
  }

  @Override
  public void onAdd(T obj) {
    apply(put, obj);
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    apply(put, newObj);
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    apply(remove, obj);
  }

  private void apply(Consumer<T> action, T obj) {
    try {
      action.accept(obj);
    } catch (RuntimeException e) {
      // A malformed object must not stop the informer's other events.
      log.log(Level.WARNING, resource.label(), "kubernetes: cannot index one of "
          + resource.label() + ": " + e.getClass().getSimpleName());
    }
  }
}
