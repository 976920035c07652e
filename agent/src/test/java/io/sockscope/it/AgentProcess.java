package io.sockscope.it;

import io.sockscope.sockets.EphemeralPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The built agent jar as a child process (optionally inside a network namespace), its log kept for
 * the failure message, and one keep-alive HTTP client to scrape it.
 */
public final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AgentProcess(Process process, String base) {
    this.process = process;
    this.base = base;
    Thread.ofVirtual().start(() -> {
      try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          log.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
  }

  public static Path jar() {
    return builtJar("sockscope.jar");
  }

  /** The sidecar's own jar (sockscope and the libraries the sidecar role runs on), as the image ships it. */
  public static Path sidecarJar() {
    return builtJar("sockscope.sidecarJar");
  }

  private static Path builtJar(String property) {
    String jar = System.getProperty(property);
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("system property " + property + " must name the built jar (run via mvn verify)");
    }
    return Path.of(jar);
  }

  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * JVM flag that keeps a started agent off DNS: names resolve from the test hosts file only
   * (discovered Service names then fail at the resolve stage instead of querying a resolver).
   */
  public static String noDns() {
    String file = System.getProperty("jdk.net.hosts.file");
    return "-Djdk.net.hosts.file=" + (file != null ? file : "/dev/null");
  }

  /** Starts {@code java -jar sockscope.jar args...}, prefixed by {@code prefix} (e.g. ip netns exec). */
  public static AgentProcess start(List<String> prefix, String baseUrl, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.addAll(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx64m", noDns(), "-jar", jar().toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    return new AgentProcess(p, baseUrl);
  }

  /** Starts {@code command} as is (e.g. through bin/sockscope) with {@code env} added. */
  public static AgentProcess startCommand(List<String> command, java.util.Map<String, String> env,
      String baseUrl) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    return new AgentProcess(pb.start(), baseUrl);
  }

  /**
   * A TCP port free on this host now (closed again, so a child process can bind it), below the
   * ephemeral range: a port the kernel hands out for connect() can be taken by one of the agent's
   * own connections before the agent binds it (the demo workload makes hundreds: "Address already
   * in use" in a CI run of NativeHistogramsIT).
   */
  public static int freePort() throws java.io.IOException {
    EphemeralPorts range;
    try {
      range = EphemeralPorts.read(Path.of("/proc"));
    } catch (IOException e) {
      range = EphemeralPorts.LINUX_DEFAULT;
    }
    int ephemeralLow = range.low();
    var random = java.util.concurrent.ThreadLocalRandom.current();
    for (int i = 0; i < 200 && ephemeralLow > 10_001; i++) {
      int port = random.nextInt(10_000, ephemeralLow);
      try (java.net.ServerSocket s = new java.net.ServerSocket()) {
        s.bind(new java.net.InetSocketAddress(port));
        return port;
      } catch (java.io.IOException taken) {
        // try another
      }
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The repository root (system property sockscope.repo, set by failsafe). */
  public static Path repo() {
    return Path.of(System.getProperty("sockscope.repo", ".."));
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls /readyz until 200; fails with the agent's log otherwise. */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + log());
      }
      try {
        if (get("/readyz").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("agent not ready within " + timeout + ":\n" + log());
  }

  public PromText scrape() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/metrics");
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode());
    }
    return PromText.parse(r.body());
  }

  public String log() {
    return String.join("\n", log);
  }

  public Process process() {
    return process;
  }

  @Override
  public void close() throws InterruptedException {
    http.close();
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
