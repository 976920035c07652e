package io.sockscope.kubernetes;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.stream.Stream;

/**
 * The Secrets informer's cache. It strips each Secret before storing it, which happens before any
 * event handler sees the object, so the private key the API server sends never stays in memory
 * beyond the decoding of one response, and no handler or log line can reach it.
 */
final class KeylessSecretStore implements ItemStore<Secret> {
  private final BasicItemStore<Secret> delegate = new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

  @Override
  public String getKey(Secret secret) {
    return delegate.getKey(secret);
  }

  @Override
  public Secret put(String key, Secret secret) {
    return delegate.put(key, SecretCerts.stripped(secret));
  }

  @Override
  public Secret remove(String key) {
    return delegate.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return delegate.keySet();
  }

  @Override
  public Stream<Secret> values() {
    return delegate.values();
  }

  @Override
  public int size() {
    return delegate.size();
  }

  @Override
  public Secret get(String key) {
    return delegate.get(key);
  }
}
