package io.sockscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image's jlink module list (agent/jlink-modules.txt) against the built jar: it covers what
 * jdeps finds, and a runtime linked from exactly that list starts the agent through the launcher
 * to /readyz 200 (what jdeps cannot see, e.g. reflection or services, would fail here), also with
 * an AOT cache trained the way the image trains it.
 */
class JlinkRuntimeIT {
  private static Set<String> listed;

  @BeforeAll
  static void readList() throws Exception {
    listed = Files.readAllLines(AgentProcess.repo().resolve("agent/jlink-modules.txt")).stream()
        .filter(l -> !l.startsWith("#") && !l.isBlank())
        .flatMap(l -> Arrays.stream(l.split(",")))
        .map(String::strip)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String tool(String name) {
    return Path.of(System.getProperty("java.home"), "bin", name).toString();
  }

  private static NetworkNamespaces.Result run(String... command) throws Exception {
    // stdout and stderr apart: jdeps must be warn-free (nothing on stderr).
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    String out = new String(p.getInputStream().readAllBytes());
    String err = new String(p.getErrorStream().readAllBytes());
    int code = p.waitFor();
    assertThat(err).as("stderr of %s", String.join(" ", command)).isEmpty();
    return new NetworkNamespaces.Result(code, out);
  }

  @Test
  void theModuleListCoversWhatJdepsFinds() throws Exception {
    NetworkNamespaces.Result r = run(tool("jdeps"), "--print-module-deps", "--ignore-missing-deps",
        "--multi-release", "25", AgentProcess.jar().toString());
    assertThat(r.code()).as(r.output()).isZero();
    Set<String> needed = Arrays.stream(r.output().strip().split(","))
        .map(String::strip).collect(Collectors.toCollection(TreeSet::new));
    assertThat(needed).contains("java.base");
    assertThat(listed).containsAll(needed);
  }

  @Test
  void aRuntimeLinkedFromTheListRunsTheAgent() throws Exception {
    Path jre = AgentProcess.jar().getParent().resolve("jre-it");
    if (Files.exists(jre)) {
      try (var walk = Files.walk(jre)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    NetworkNamespaces.Result linked = run(tool("jlink"), "--add-modules", String.join(",", listed),
        "--strip-debug", "--no-man-pages", "--no-header-files", "--generate-cds-archive",
        "--output", jre.toString());
    assertThat(linked.code()).as(linked.output()).isZero();
    // As the image does: train the AOT cache on one start-up through the launcher (SIGTERM makes
    // the JVM write it), then start with it and another heap size, as a pod's limit would give.
    Path aot = jre.resolve("sockscope.aot");
    train(jre, aot);
    try (AgentProcess agent = start(jre, Map.of("SOCKSCOPE_AOT_CACHE", aot.toString(),
        "SOCKSCOPE_HEAP", "48m", "SOCKSCOPE_JAVA_OPTS", "-Xlog:aot=info"))) {
      agent.awaitReady(Duration.ofSeconds(30));
      assertThat(agent.scrape().has("sockscope_tcp_sockets")).isTrue();
      assertThat(agent.process().info().command()).hasValueSatisfying(
          c -> assertThat(Path.of(c)).startsWith(jre));
      assertThat(agent.log()).contains("Using AOT-linked classes: true");
    }
  }

  /**
   * The training start-up, its output to a file: started through AgentProcess (output read from
   * a pipe by a virtual thread) the JVM exited on SIGTERM without writing the cache, while from a
   * shell, also through a pipe, it does. Seen here, not understood; a file works everywhere.
   */
  private static void train(Path jre, Path aot) throws Exception {
    int port = AgentProcess.freePort();
    Path log = jre.resolve("training.log");
    ProcessBuilder pb = new ProcessBuilder(AgentProcess.repo().resolve("bin/sockscope").toString(),
        "--port", String.valueOf(port)).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(Map.of("JAVA_HOME", jre.toString(),
        "SOCKSCOPE_JAR", AgentProcess.jar().toString(),
        "SOCKSCOPE_JAVA_OPTS", "-XX:AOTCacheOutput=" + aot));
    Process p = pb.start();
    try (var http = java.net.http.HttpClient.newHttpClient()) {
      var ready = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/readyz")).build();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          if (http.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
    }
    p.destroy(); // SIGTERM: the JVM writes the cache as it exits
    assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(aot).as(Files.readString(log)).isNotEmptyFile();
  }

  private static AgentProcess start(Path jre, Map<String, String> extraEnv) throws Exception {
    int port = AgentProcess.freePort();
    List<String> cmd = List.of(AgentProcess.repo().resolve("bin/sockscope").toString(),
        "--port", String.valueOf(port));
    Map<String, String> env = new java.util.HashMap<>(extraEnv);
    env.put("JAVA_HOME", jre.toString());
    env.put("SOCKSCOPE_JAR", AgentProcess.jar().toString());
    return AgentProcess.startCommand(cmd, env, "http://127.0.0.1:" + port);
  }
}
