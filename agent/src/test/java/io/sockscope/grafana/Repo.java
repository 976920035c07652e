package io.sockscope.grafana;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Locates the repository (system property {@code sockscope.repo}, else up from the working dir). */
final class Repo {
  private Repo() {}

  static Path root() {
    String prop = System.getProperty("sockscope.repo");
    if (prop != null && Files.isDirectory(Path.of(prop, "grafana"))) {
      return Path.of(prop);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("grafana/dashboards"))) {
        return p;
      }
    }
    throw new IllegalStateException("no grafana/ directory above " + Path.of("").toAbsolutePath());
  }

  static List<Path> dashboards() {
    return list(root().resolve("grafana/dashboards"), ".json");
  }

  /** Rule files (not the promtool unit tests under rules/tests/). */
  static List<Path> ruleFiles() {
    return list(root().resolve("grafana/rules"), ".yaml");
  }

  static List<Path> ruleTests() {
    return list(root().resolve("grafana/rules/tests"), ".yaml");
  }

  private static List<Path> list(Path dir, String suffix) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
