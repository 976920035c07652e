package io.sockscope;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    var o = new ByteArrayOutputStream();
    var e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
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
    assertThat(r.err()).isEqualTo("sockscope: " + f + ": unknown key 'sockets.dumpIntervall'\n");
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

  @Test
  void unreadableProcRootIsAOneLineStartupError(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), "procRoot: " + dir.resolve("nope") + "\nport: 0\n");
    Run r = run("--config", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("sockscope: cannot read the socket tables under " + dir.resolve("nope"));
    assertThat(r.err().strip()).doesNotContain("\n");
  }
}
