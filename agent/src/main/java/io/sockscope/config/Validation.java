package io.sockscope.config;

import java.time.Duration;

/** Checks shared by the config sections; each failure names the key. */
final class Validation {
  private Validation() {}

  static void positive(String key, Duration d) {
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(key + ": must be > 0 (got " + Durations.format(d) + ")");
    }
  }

  static void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ConfigException(
          key + ": must be between " + min + " and " + max + " (got " + value + ")");
    }
  }
}
