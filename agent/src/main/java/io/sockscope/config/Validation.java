package io.sockscope.config;

import io.sockscope.tls.AllowList;
import java.time.Duration;
import java.util.List;

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

  /**
   * An allow-list entry: a CIDR, an IP, a host name, or a {@code *.suffix} host pattern. Checked by
   * the parser the agent then uses, so the config check and the agent cannot disagree.
   */
  static void allowEntry(String key, String entry) {
    try {
      AllowList.parse(List.of(entry == null ? "" : entry));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }
}
