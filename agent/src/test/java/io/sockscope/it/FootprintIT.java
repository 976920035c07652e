package io.sockscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Memory regression guard: the agent started the way the image starts it (bin/sockscope, the
 * sidecar flags, a bounded heap) in the sidecar role as the chart deploys it (peer names from the
 * namespace prober's table, mounted the way the kubelet writes a ConfigMap volume) in a namespace
 * holding {@link #PAIRS} × 2 established sockets,
 * after several dumps, must stay under {@link #RSS_CEILING_MIB} of resident memory, read from
 * /proc/PID/status (VmRSS now and VmHWM, the peak since start).
 */
class FootprintIT {
  /** 30,000 established sockets (+ listeners): "tens of thousands", under a minute in CI. */
  static final int PAIRS = 15_000;
  /**
   * The ceiling, from measurements (docs/performance.md, "Memory regression guard"): with 30k
   * sockets, 1 s dumps, the launcher's flags and the lean sidecar (no Kubernetes client, no
   * Jetty/Javalin; names from the mounted table) the agent's VmHWM was 82.3 MiB (2 shared cores,
   * load 13), against 115.9-120.3 MiB with Javalin and the sidecar's own Kubernetes watches. The
   * ceiling is that + ~7 % for noise (JIT and GC timing, malloc arenas, page cache).
   */
  static final double RSS_CEILING_MIB = 88;
  static final String HEAP = "32m";

  private static NetworkNamespaces ns;
  /** Addresses in the mounted peer-name table: 50 Services, a ClusterIP and an endpoint each. */
  static final int NAMED = 100;
  private static final List<Process> holders = new ArrayList<>();
  private static int held;

  @BeforeAll
  static void populate() throws Exception {
    ns = NetworkNamespaces.create();
    NetworkNamespaces.Result sysctl = NetworkNamespaces.run(NetworkNamespaces.in(ns.pod, "sysctl",
        "-w", "net.ipv4.ip_local_port_range=10000 65535", "net.core.somaxconn=4096"));
    assertThat(sysctl.ok()).as(sysctl.output()).isTrue();
    for (int left = PAIRS; left > 0; left -= SocketHolder.MAX_PAIRS) {
      int n = Math.min(left, SocketHolder.MAX_PAIRS);
      Process p = new ProcessBuilder(NetworkNamespaces.in(ns.pod, AgentProcess.java(), "-Xmx128m",
          "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
          SocketHolder.class.getName(), String.valueOf(n))).redirectErrorStream(true).start();
      holders.add(p);
      String line = new BufferedReader(new InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
      assertThat(line).as("socket holder").startsWith("ready ");
      held += Integer.parseInt(line.substring("ready ".length()));
    }
  }

  @AfterAll
  static void release() throws Exception {
    for (Process p : holders) {
      p.destroy();
      p.waitFor();
    }
    if (ns != null) {
      ns.close();
    }
  }

  private static double statusMib(long pid, String key) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (l.startsWith(key + ":")) {
        return Long.parseLong(l.substring(key.length() + 1).replace("kB", "").strip()) / 1024.0;
      }
    }
    throw new AssertionError(key + " not in /proc/" + pid + "/status");
  }

  @Test
  void residentMemoryStaysUnderTheCeilingWithTensOfThousandsOfSockets() throws Exception {
    Path dir = Files.createTempDirectory("sockscope-footprint");
    StringBuilder table = new StringBuilder("# sockscope peer names v1: <ip> <service>.<namespace>\n");
    for (int i = 0; i < NAMED / 2; i++) {
      table.append("10.96.0.").append(i + 1).append(" svc").append(i).append(".ns\n");
      table.append("10.244.0.").append(i + 1).append(" svc").append(i).append(".ns\n");
    }
    new io.sockscope.peers.KubeletAtomicWriter(dir.resolve("peers")).write(Map.of("peers", table.toString()));
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, """
        role: sidecar
        sockets:
          dumpInterval: 1s
        tls:
          peerTargets: false
        kubernetes:
          secrets: false
          peerNamesFile: %s
        """.formatted(dir.resolve("peers/peers")));
    List<String> cmd = NetworkNamespaces.in(ns.pod,
        AgentProcess.repo().resolve("bin/sockscope").toString(), "--config", config.toString());
    Map<String, String> env = new java.util.HashMap<>();
    env.putAll(Map.of("JAVA_HOME", System.getProperty("java.home"),
        "SOCKSCOPE_JAR", AgentProcess.jar().toString(), "SOCKSCOPE_HEAP", HEAP));
    String base = "http://" + NetworkNamespaces.POD_SCRAPE_IP + ":9102";
    try (AgentProcess agent = AgentProcess.startCommand(cmd, env, base)) {
      agent.awaitReady(Duration.ofSeconds(30));
      // `ip netns exec` and the launcher exec the JVM: the child's pid is the JVM's.
      long pid = agent.process().pid();
      assertThat(agent.process().info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("java"));
      PromText m = agent.scrape();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while ((m.sum("sockscope_sampler_duration_seconds_count", "tier", "dump") < 6
              || m.sum("sockscope_peer_names_loaded") < NAMED)
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
        m = agent.scrape();
      }
      assertThat(m.sum("sockscope_sampler_duration_seconds_count", "tier", "dump"))
          .as("dumps done").isGreaterThanOrEqualTo(6);
      assertThat(m.sum("sockscope_sampler_sockets_scanned")).as("the dump saw the held sockets")
          .isGreaterThanOrEqualTo(held);
      assertThat(m.sum("sockscope_peer_names_loaded")).as("the mounted peer names read")
          .isEqualTo(NAMED);
      double rss = statusMib(pid, "VmRSS");
      double hwm = statusMib(pid, "VmHWM");
      System.out.printf("FootprintIT: %d sockets held, VmRSS %.1f MiB, VmHWM %.1f MiB%n", held, rss, hwm);
      assertThat(hwm).as("VmHWM MiB (VmRSS %.1f)", rss).isLessThanOrEqualTo(RSS_CEILING_MIB);
    }
  }
}
