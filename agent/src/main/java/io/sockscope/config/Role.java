package io.sockscope.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What this process does (docs/architecture.md); one jar, roles chosen by configuration. */
public enum Role {
  LOCAL,
  SIDECAR,
  NAMESPACE_PROBER,
  INJECTOR;

  /** The spelling used on the command line and in YAML: {@code namespace-prober}. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Role parse(String text) {
    for (Role r : values()) {
      if (r.flag().equals(text)) {
        return r;
      }
    }
    throw new IllegalArgumentException(
        "unknown role '" + text + "' (expected one of " + choices() + ")");
  }

  static String choices() {
    return Arrays.stream(values()).map(Role::flag).collect(Collectors.joining(", "));
  }
}
