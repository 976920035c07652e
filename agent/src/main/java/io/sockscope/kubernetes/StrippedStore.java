package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The cache of the Secrets and ConfigMaps informers. It strips each object to its certificates
 * before storing it, which happens before any event handler sees the object, so the private key
 * or password the API server sends never stays in memory beyond the decoding of one response, and
 * no handler or log line can reach it.
 */
final class StrippedStore<T extends HasMetadata> implements ItemStore<T> {
  private final BasicItemStore<T> delegate = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);
  private final UnaryOperator<T> strip;

  StrippedStore(UnaryOperator<T> strip) {
    this.strip = strip;
  }

  @Override
  public String getKey(T object) {
    return delegate.getKey(object);
  }

  @Override
  public T put(String key, T object) {
    return delegate.put(key, strip.apply(object));
  }

  @Override
  public T remove(String key) {
    return delegate.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return delegate.keySet();
  }

  @Override
  public Stream<T> values() {
    return delegate.values();
  }

  @Override
  public int size() {
    return delegate.size();
  }

  @Override
  public T get(String key) {
    return delegate.get(key);
  }
}
