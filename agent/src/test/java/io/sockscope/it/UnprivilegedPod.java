package io.sockscope.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two test hosts ({@link NetworkNamespaces}) with the agent in the pod's namespace as a sidecar
 * would run it: a non-root uid (65534) with no capabilities at all, so whatever it sees it sees
 * unprivileged. Workloads are started as plain processes in either namespace.
 */
final class UnprivilegedPod implements AutoCloseable {
  final NetworkNamespaces ns;
  final AgentProcess agent;
  private final List<Process> workloads = new ArrayList<>();

  private UnprivilegedPod(NetworkNamespaces ns, AgentProcess agent) {
    this.ns = ns;
    this.agent = agent;
  }

  /** As nobody, without capabilities, inside {@code namespace}. */
  static List<String> unprivileged(String namespace) {
    return NetworkNamespaces.in(namespace, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all");
  }

  /**
   * Starts the agent with {@code socketsYaml} (indented lines under {@code sockets:}); with
   * {@code launcher} through bin/sockscope and its default heap, else {@code java -jar}.
   */
  static UnprivilegedPod start(String socketsYaml, boolean launcher) throws Exception {
    NetworkNamespaces ns = NetworkNamespaces.create();
    Path config = Files.createTempFile("sockscope-pod", ".yaml",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    Files.writeString(config, """
        role: sidecar
        sockets:
        %s
        tls:
          peerTargets: false
        kubernetes:
          enabled: false
        """.formatted(socketsYaml.stripTrailing()));
    String url = "http://" + NetworkNamespaces.POD_SCRAPE_IP + ":9102";
    AgentProcess agent;
    if (launcher) {
      List<String> cmd = new ArrayList<>(unprivileged(ns.pod));
      cmd.addAll(List.of(AgentProcess.repo().resolve("bin/sockscope").toString(), "--config", config.toString()));
      // The launcher's default heap (-Xmx32m) whatever cgroup limit the test machine has.
      agent = AgentProcess.startCommand(cmd, Map.of("SOCKSCOPE_JAR", AgentProcess.jar().toString(),
          "SOCKSCOPE_HEAP", "32m", "JAVA_HOME", System.getProperty("java.home")), url);
    } else {
      agent = AgentProcess.start(unprivileged(ns.pod), url, "--config", config.toString());
    }
    UnprivilegedPod pod = new UnprivilegedPod(ns, agent);
    try {
      agent.awaitReady(Duration.ofSeconds(30));
    } catch (AssertionError | RuntimeException e) {
      pod.close();
      throw e;
    }
    return pod;
  }

  /** Starts {@code mainClass args...} from the test classpath in {@code namespace}. */
  Process workload(String namespace, Class<?> mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(NetworkNamespaces.in(namespace, AgentProcess.java(), "-Xss256k",
        "-cp", System.getProperty("java.class.path"), mainClass.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    workloads.add(p);
    return p;
  }

  static void awaitLine(Process p, String expected) throws IOException {
    BufferedReader r = p.inputReader(StandardCharsets.UTF_8);
    for (String line; (line = r.readLine()) != null; ) {
      if (line.equals(expected)) {
        return;
      }
    }
    throw new AssertionError("workload ended before '" + expected + "'");
  }

  static void tell(Process p) throws IOException {
    p.getOutputStream().write('\n');
    p.getOutputStream().flush();
  }

  /** Waits until the agent completed {@code n} more dumps. */
  void awaitDumps(int n, Duration timeout) throws Exception {
    double dumps = agent.scrape().sum("sockscope_sampler_duration_seconds_count", "tier", "dump");
    long deadline = System.nanoTime() + timeout.toNanos();
    while (agent.scrape().sum("sockscope_sampler_duration_seconds_count", "tier", "dump") < dumps + n) {
      if (!agent.process().isAlive()) {
        throw new AssertionError("agent exited with " + agent.process().exitValue() + ":\n" + agent.log());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + n + " new dumps within " + timeout + ":\n" + agent.log());
      }
      Thread.sleep(200);
    }
  }

  /** {@code ss -Htan} in the pod's namespace: state, recv-q, send-q, local, peer. */
  List<String[]> ss() throws Exception {
    var r = NetworkNamespaces.run(NetworkNamespaces.in(ns.pod, "ss", "-Htan"));
    return r.output().lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 5).toList();
  }

  @Override
  public void close() throws Exception {
    for (Process p : workloads) {
      p.destroyForcibly().waitFor();
    }
    agent.close();
    ns.close();
  }
}
