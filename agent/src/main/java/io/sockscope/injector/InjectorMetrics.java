package io.sockscope.injector;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sockscope_injector_admissions_total{result}}: every review answered, by outcome
 * (inject, not_labelled, own_pod, already_present, error); all pre-initialised to 0.
 */
final class InjectorMetrics {
  private final Map<PodMutator.Decision, Counter> byDecision =
      new EnumMap<>(PodMutator.Decision.class);
  private final Counter errors;

  InjectorMetrics(MeterRegistry registry) {
    for (PodMutator.Decision d : PodMutator.Decision.values()) {
      byDecision.put(d, counter(registry, d.name().toLowerCase(Locale.ROOT)));
    }
    errors = counter(registry, "error");
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("sockscope.injector.admissions")
        .description("Admission reviews answered by the sidecar injector, by result")
        .tag("result", result)
        .register(registry);
  }

  void count(PodMutator.Decision decision) {
    byDecision.get(decision).increment();
  }

  void error() {
    errors.increment();
  }
}
