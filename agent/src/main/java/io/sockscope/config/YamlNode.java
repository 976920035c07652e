package io.sockscope.config;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of the configuration file as {@link YamlReader} reads it: a mapping, a sequence or a
 * scalar, each with the place it starts at so that every message can say {@code file:line:column}.
 */
sealed interface YamlNode {
  Mark mark();

  /** 1-based line and column (in characters) of where a node or key starts. */
  record Mark(int line, int column) {
    @Override
    public String toString() {
      return line + ":" + column;
    }
  }

  /** A block mapping (or {@code {}}); keys keep the file's order, each with its own mark. */
  record Mapping(Map<String, Entry> entries, Mark mark) implements YamlNode {}

  /** One {@code key: value} of a mapping. */
  record Entry(Mark keyMark, YamlNode value) {}

  /** A block sequence or a flow sequence {@code [a, b]}. */
  record Sequence(List<YamlNode> items, Mark mark) implements YamlNode {}

  /**
   * A scalar as written; {@code plain} is false for quoted ones, so {@code "null"} stays a string
   * while a plain {@code null}, {@code ~} or nothing at all is YAML's null.
   */
  record Scalar(String value, boolean plain, Mark mark) implements YamlNode {
    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");

    boolean isNull() {
      return plain && NULLS.contains(value);
    }
  }

  static String kind(YamlNode node) {
    return switch (node) {
      case Mapping m -> "a mapping";
      case Sequence s -> "a sequence";
      case Scalar s -> s.isNull() ? "nothing (null)" : "a scalar ('" + s.value() + "')";
    };
  }
}
