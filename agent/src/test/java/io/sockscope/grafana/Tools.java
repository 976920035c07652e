package io.sockscope.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * External tools the rule tests drive (promtool, prometheus). Missing tools skip the test, except
 * under {@code CI=true}, where they fail it: CI must never pass by skipping.
 */
final class Tools {
  private Tools() {}

  static Path require(String name) {
    Optional<Path> found = find(name);
    if (found.isEmpty()) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(name + " is missing and CI=true (Debian package prometheus)");
      }
      Assumptions.abort(name + " not installed (Debian package prometheus)");
    }
    return found.get();
  }

  static Optional<Path> find(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  record Result(int exitCode, String output) {}

  /** Runs a command to completion (60 s at most), stdout and stderr merged. */
  static Result run(List<String> command, Path workDir) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command))
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
