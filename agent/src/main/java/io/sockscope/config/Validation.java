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

  private static final String LABEL = "[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?";
  private static final java.util.regex.Pattern HOST_PATTERN =
      java.util.regex.Pattern.compile("(\\*\\.)?" + LABEL + "(\\." + LABEL + ")*");
  private static final java.util.regex.Pattern CIDR =
      java.util.regex.Pattern.compile("([0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*)(/[0-9]{1,3})?");

  /** An allow-list entry: a CIDR, an IP, a host name, or a {@code *.suffix} host pattern. */
  static void allowEntry(String key, String entry) {
    String e = entry == null ? "" : entry.strip().toLowerCase(java.util.Locale.ROOT);
    var cidr = CIDR.matcher(e);
    if (cidr.matches()) {
      try {
        java.net.InetAddress a = java.net.InetAddress.ofLiteral(cidr.group(1));
        int max = a.getAddress().length * 8;
        if (cidr.group(2) == null || Integer.parseInt(cidr.group(2).substring(1)) <= max) {
          return;
        }
      } catch (IllegalArgumentException ex) {
        // falls through to the message
      }
      throw new ConfigException(key + ": not a valid CIDR or IP: '" + entry + "'");
    }
    if (!HOST_PATTERN.matcher(e).matches()) {
      throw new ConfigException(
          key + ": expected a CIDR (10.0.0.0/8), an IP, a host name or *.suffix, got '" + entry + "'");
    }
  }
}
