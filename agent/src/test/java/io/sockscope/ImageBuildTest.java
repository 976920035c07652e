package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile cannot be built here (no container engine), so its contract is read from the
 * text: the same build command as the README, the one module list, a numeric non-root user, the
 * launcher as entrypoint, OCI labels. That the module list is complete is JlinkRuntimeIT's job.
 */
class ImageBuildTest {
  private static final Path REPO = repo();

  private static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("Dockerfile"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("no Dockerfile above " + Path.of("").toAbsolutePath());
    }
    return p;
  }

  /** The {@code mvn ...} command of a shell line: from "mvn" to the next {@code &&} or end. */
  static List<String> mvnCommand(String line) {
    Matcher m = Pattern.compile("(?:^|\\s)(mvn\\s[^&;]*)").matcher(line);
    assertThat(m.find()).as("a mvn command in: %s", line).isTrue();
    return Arrays.asList(m.group(1).strip().split("\\s+"));
  }

  private static String dockerfile() throws IOException {
    // Instructions may continue over lines ending in a backslash.
    return Files.readString(REPO.resolve("Dockerfile")).replaceAll("\\\\\\n", " ");
  }

  @Test
  void theImageBuildsWithTheReadmesCommand() throws IOException {
    String readmeLine = Files.readAllLines(REPO.resolve("README.md")).stream()
        .filter(l -> l.startsWith("$ ") && l.contains("mvn ") && l.contains("package"))
        .findFirst().orElseThrow();
    List<String> runs = dockerfile().lines()
        .filter(l -> l.startsWith("RUN ") && l.contains("mvn ")).toList();
    assertThat(runs).as("one RUN builds the jar").hasSize(1);
    assertThat(mvnCommand(runs.getFirst())).isEqualTo(mvnCommand(readmeLine))
        .contains("package", "-DskipTests");
  }

  @Test
  void jlinkReadsTheOneModuleList() throws IOException {
    String d = dockerfile();
    assertThat(d).contains("COPY agent/jlink-modules.txt")
        .containsPattern("jlink --add-modules \"\\$\\(grep -v '\\^#' agent/jlink-modules.txt");
    assertThat(d.lines().filter(l -> l.contains("--add-modules"))).hasSize(1);
  }

  @Test
  void runsAsNumericNonRootThroughTheLauncher() throws IOException {
    String d = dockerfile();
    List<String> finalStage = d.lines()
        .dropWhile(l -> !l.startsWith("FROM debian:bookworm-slim")).toList();
    assertThat(finalStage).isNotEmpty();
    assertThat(finalStage).filteredOn(l -> l.startsWith("USER ")).singleElement().asString()
        .matches("USER [1-9][0-9]*:[1-9][0-9]*");
    assertThat(finalStage).contains("ENTRYPOINT [\"/opt/sockscope/bin/sockscope\"]");
    assertThat(String.join("\n", finalStage))
        .contains("SOCKSCOPE_JAR=/opt/sockscope/sockscope.jar", "JAVA_HOME=/opt/sockscope/jre")
        .contains("org.opencontainers.image.title", "org.opencontainers.image.version",
            "org.opencontainers.image.revision", "org.opencontainers.image.source");
    assertThat(d).contains("COPY bin/sockscope /opt/sockscope/bin/sockscope");
  }

  /** One AOT cache per role: the sidecar's trained on the sidecar role as the chart runs it. */
  @Test
  void trainsACacheForTheSidecarRole() throws IOException {
    String d = dockerfile();
    assertThat(d).contains("train /opt/sockscope/sockscope.aot ")
        .contains("train /opt/sockscope/sockscope-sidecar.aot --role sidecar --config ")
        .contains("SOCKSCOPE_AOT_CACHE=/opt/sockscope/sockscope.aot");
  }

  /**
   * The sidecar's own jar lies beside the whole one, where bin/sockscope looks for it in the
   * sidecar role, before the caches are trained (the sidecar's cache is made on that jar).
   */
  @Test
  void shipsTheSidecarJarBesideTheWholeOne() throws IOException {
    String d = dockerfile();
    assertThat(d).contains("cp agent/target/sockscope.jar agent/target/sockscope-sidecar.jar /opt/sockscope/");
    assertThat(d.indexOf("sockscope-sidecar.jar /opt/sockscope/"))
        .isLessThan(d.indexOf("train /opt/sockscope/sockscope-sidecar.aot"));
  }
}
