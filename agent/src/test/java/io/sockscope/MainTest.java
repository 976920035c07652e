package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.config.StartChecks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    return run(Main.environment(Map.of("POD_NAMESPACE", "shop")::get), args);
  }

  private static Run run(StartChecks.Environment environment, String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    var o = new ByteArrayOutputStream();
    var e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args, environment);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void unknownConfigKeyExitsWithCode2AndOneLine(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), "sockets:\n  dumpIntervall: 5s\n");
    Run r = run("--config", f.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("sockscope: " + f + ":2:3: unknown key 'sockets.dumpIntervall' (did you mean 'dumpInterval'?)\n");
  }

  @Test
  void checkConfigValidatesAndExits(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), "role: sidecar\n");
    Run r = run("--config", f.toString(), "--check-config");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("configuration OK (role sidecar)");
  }

  @Test
  void badFlagExitsWithCode2() {
    Run r = run("--port", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("sockscope: --port: expected 0-65535, got 'x'\n");
  }

  /**
   * Issue 13: start refuses exactly what {@code --check-config} refuses, with the same lines (one
   * per problem, all of them) and exit code 2; nothing is started.
   */
  @Test
  void startAndCheckConfigRefuseTheSameInputsWithTheSameLines(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), """
        port: 0
        procRoot: %s
        sockets:
          dumpInterval: 90s
        tls:
          caFiles: [%s]
        """.formatted(dir.resolve("nope"), dir.resolve("ca.pem")));
    List<String> expected = List.of(
        "sockscope: " + f + ":2:11: procRoot: " + dir.resolve("nope") + ": no such directory",
        "sockscope: " + f + ":4:17: sockets.dumpInterval: must be between 1s and 30s (got 90s)",
        "sockscope: " + f + ":6:13: tls.caFiles[0]: " + dir.resolve("ca.pem") + ": no such file");
    Run check = run("--config", f.toString(), "--check-config");
    Run start = run("--config", f.toString());
    assertThat(check.code()).isEqualTo(2);
    assertThat(check.err().lines()).containsExactlyElementsOf(expected);
    assertThat(check.out()).isEmpty();
    assertThat(start.code()).isEqualTo(2);
    assertThat(start.err().lines()).containsExactlyElementsOf(expected);
  }

  @Test
  void aRoleThatWatchesItsNamespaceNeedsOne(@TempDir Path dir) throws Exception {
    Path sa = dir.resolve("namespace");
    var environment = new StartChecks.Environment(Map.<String, String>of()::get, sa,
        Main.environment(Map.<String, String>of()::get).watchesNamespace());
    Run r = run(environment, "--role", "namespace-prober", "--check-config");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("sockscope: kubernetes.namespace: no namespace to watch: set"
        + " kubernetes.namespace, or POD_NAMESPACE (downward API), or run with a service account ("
        + sa + "); or set kubernetes.enabled: false\n");
    Files.writeString(sa, "shop\n");
    assertThat(run(environment, "--role", "namespace-prober", "--check-config").code()).isZero();
  }
}
