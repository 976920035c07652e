package io.sockscope.config;

import java.util.List;

/**
 * An invalid command line or configuration: one line per problem, each naming the flag or key
 * (and, for the file, {@code file:line:column}).
 */
public final class ConfigException extends RuntimeException {
  private final transient List<String> lines;

  public ConfigException(String message) {
    this(List.of(message));
  }

  public ConfigException(List<String> lines) {
    super(String.join("\n", lines));
    this.lines = List.copyOf(lines);
  }

  /** Every problem, one line each, in the order found (file order, then flags and files). */
  public List<String> lines() {
    return lines;
  }
}
