package io.sockscope;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * What must be true before {@code /readyz} answers 200: each component registers a named check
 * (first socket dump done, informers synced). Checks are cheap reads of volatile state.
 */
public final class Readiness {
  private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();

  public void require(String name, BooleanSupplier check) {
    checks.put(name, check);
  }

  /** Names of the checks that do not hold yet; empty when ready. */
  public java.util.List<String> pending() {
    return checks.entrySet().stream()
        .filter(e -> !e.getValue().getAsBoolean())
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  public boolean ready() {
    return pending().isEmpty();
  }
}
