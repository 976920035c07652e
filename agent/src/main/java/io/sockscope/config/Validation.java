package io.sockscope.config;

import io.sockscope.tls.AllowList;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Collects every problem of a configuration, not only the first (issue 13: three bad keys were
 * reported one run at a time). Each problem names its key; {@link #lines} places it in the file.
 */
final class Validation {
  /** One problem: {@code key} finds its place in the file, {@code text} is what is printed. */
  record Problem(String key, String text) {}

  private final List<Problem> problems = new ArrayList<>();

  /** {@code key: message}. */
  void fail(String key, String message) {
    problems.add(new Problem(key, key + ": " + message));
  }

  /** A problem whose text names its key itself ({@code unknown key 'a.b'}). */
  void report(String key, String text) {
    problems.add(new Problem(key, text));
  }

  void range(String key, int value, int min, int max) {
    if (value < min || value > max) {
      fail(key, "must be between " + min + " and " + max + " (got " + value + ")");
    }
  }

  /** An interval or a timeout: a bound on both sides, so that {@code 1ms} is never taken. */
  void duration(String key, Duration d, Duration min, Duration max) {
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      fail(key, "must be between " + Durations.format(min) + " and " + Durations.format(max)
          + " (got " + Durations.format(d) + ")");
    }
  }

  /**
   * An allow-list entry: a CIDR, an IP, a host name, or a {@code *.suffix} host pattern. Checked by
   * the parser the agent then uses, so the config check and the agent cannot disagree.
   */
  void allowEntry(String key, String entry) {
    try {
      AllowList.parse(List.of(entry == null ? "" : entry));
    } catch (IllegalArgumentException e) {
      fail(key, e.getMessage());
    }
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<Problem> problems() {
    return List.copyOf(problems);
  }

  /**
   * The printed lines: {@code origin:line:column: text} where the key (or its nearest parent) is in
   * the file, {@code origin: text} otherwise (a default, a flag); without an origin, {@code text}.
   */
  List<String> lines(String origin, Map<String, YamlNode.Mark> marks) {
    record Placed(YamlNode.Mark mark, String line) {}
    List<Placed> placed = new ArrayList<>();
    for (Problem p : problems) {
      YamlNode.Mark mark = markOf(p.key(), marks);
      String where = origin == null ? "" : origin + (mark == null ? "" : ":" + mark) + ": ";
      placed.add(new Placed(mark, where + p.text()));
    }
    // file order, then what the file does not place (defaults, flags, the environment)
    placed.sort(Comparator.comparing(Placed::mark, Comparator.nullsLast(
        Comparator.comparingInt(YamlNode.Mark::line).thenComparingInt(YamlNode.Mark::column))));
    return placed.stream().map(Placed::line).toList();
  }

  /** Throws a {@link ConfigException} holding every problem, if there is one. */
  void throwIfAny(String origin, Map<String, YamlNode.Mark> marks) {
    if (!problems.isEmpty()) {
      throw new ConfigException(lines(origin, marks));
    }
  }

  /**
   * The key's place, or its nearest parent's when the key itself is not written (a default); but
   * never the list of an item the file does not hold (a flag's {@code --tls-ca-file}).
   */
  private static YamlNode.Mark markOf(String key, Map<String, YamlNode.Mark> marks) {
    String k = key;
    while (k != null && !k.isEmpty()) {
      YamlNode.Mark m = marks.get(k);
      if (m != null) {
        return m;
      }
      if (k.endsWith("]")) {
        return null;
      }
      int cut = k.lastIndexOf('.');
      k = cut < 0 ? null : k.substring(0, cut);
    }
    return null;
  }
}
