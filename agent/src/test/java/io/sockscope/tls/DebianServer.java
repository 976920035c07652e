package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real server from a Debian package, run by a test from a temporary directory on a free loopback
 * port. Database and directory servers refuse to run as root, so as root the command runs as
 * {@code nobody} (setpriv) in a directory that user owns. Under {@code CI=true} a missing binary
 * fails the test; elsewhere the test is skipped.
 */
final class DebianServer implements AutoCloseable {
  static final boolean ROOT = "root".equals(System.getProperty("user.name"));
  static final String UNPRIVILEGED = "nobody";

  private final Process process;
  private final Path log;
  final int port;

  private DebianServer(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Skips (or, under CI, fails) unless {@code binary} exists. */
  static void require(String binary, String debianPackage) {
    boolean present = Files.isExecutable(Path.of(binary));
    if ("true".equals(System.getenv("CI"))) {
      assertThat(present).as(binary + " (Debian package " + debianPackage + ", bin/run-tests installs it)").isTrue();
    }
    Assumptions.assumeTrue(present, binary + " missing: apt-get install " + debianPackage);
  }

  /**
   * A directory the server's user can own and traverse (JUnit's @TempDir is root-only), deleted
   * when the test JVM exits (a PostgreSQL run leaves ~150 MB of data directories otherwise).
   */
  static Path directory(String name) throws IOException {
    Path dir = Files.createTempDirectory("sockscope-" + name + "-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
    return dir;
  }

  private static void deleteTree(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // a server's leftover socket or a file another user owns: best effort
        }
      });
    } catch (IOException e) {
      // already gone
    }
  }

  /** Hands {@code dir} to the unprivileged user (as root), so the server may write and read keys. */
  static void own(Path dir, String user) throws Exception {
    if (ROOT) {
      run(List.of("chown", "-R", user, dir.toString()));
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs a setup command (initdb, cp) to completion, as the unprivileged user when root. */
  static void runAs(List<String> command, Path dir) throws Exception {
    own(dir, UNPRIVILEGED);
    run(unprivileged(command));
  }

  static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  /** Starts {@code command} (as {@code nobody} when root) and waits until {@code port} accepts. */
  static DebianServer start(List<String> command, Path dir, int port) throws Exception {
    own(dir, UNPRIVILEGED);
    return startAsIs(unprivileged(command), dir, port);
  }

  /** Starts {@code command} as the current user (a server that drops privileges itself). */
  static DebianServer startAsIs(List<String> command, Path dir, int port) throws Exception {
    Path log = dir.resolve("server.out");
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    DebianServer s = new DebianServer(p, log, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(command.getFirst() + " exited " + p.exitValue() + ": "
            + Files.readString(log));
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
        return s;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    s.close();
    throw new IllegalStateException(command.getFirst() + " did not listen on " + port + " in 60 s: "
        + Files.readString(log));
  }

  private static List<String> unprivileged(List<String> command) {
    if (!ROOT) {
      return command;
    }
    List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + UNPRIVILEGED,
        "--regid=nogroup", "--clear-groups"));
    c.addAll(command);
    return c;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws Exception {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
  }
}
