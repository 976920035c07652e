package io.sockscope.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Two test hosts made with {@code ip netns}: "pod" (A) and "peer" (B) joined by a veth pair
 * (198.18.0.1 ↔ 198.18.0.2, the RFC 2544 benchmarking range), and a second veth from the test's
 * namespace to the pod (198.18.1.1 ↔ 198.18.1.2) for scraping. Needs root and iproute2: under
 * CI=true their absence fails the test, elsewhere it skips.
 */
final class NetworkNamespaces implements AutoCloseable {
  static final String POD_IP = "198.18.0.1";
  static final String PEER_IP = "198.18.0.2";
  static final String POD_SCRAPE_IP = "198.18.1.2";

  final String pod;
  final String peer;
  private final String rootLink;

  private NetworkNamespaces(String suffix) {
    pod = "ssc-pod-" + suffix;
    peer = "ssc-peer-" + suffix;
    rootLink = "ssc-r" + suffix;
  }

  static NetworkNamespaces create() throws IOException, InterruptedException {
    boolean possible = "root".equals(System.getProperty("user.name")) && run(List.of("ip", "-V")).ok();
    if (!possible) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("network-namespace tests need root and iproute2 under CI=true");
      }
      assumeTrue(false, "needs root and iproute2");
    }
    String suffix = Long.toString(ProcessHandle.current().pid() % 100000);
    NetworkNamespaces n = new NetworkNamespaces(suffix);
    n.close(); // leftovers of an interrupted run
    String a = "ssc-a" + suffix;
    String b = "ssc-b" + suffix;
    String ar = "ssc-ar" + suffix;
    n.must("ip", "netns", "add", n.pod);
    n.must("ip", "netns", "add", n.peer);
    n.must("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    n.must("ip", "link", "set", a, "netns", n.pod);
    n.must("ip", "link", "set", b, "netns", n.peer);
    n.must("ip", "-n", n.pod, "addr", "add", POD_IP + "/24", "dev", a);
    n.must("ip", "-n", n.peer, "addr", "add", PEER_IP + "/24", "dev", b);
    n.must("ip", "link", "add", n.rootLink, "type", "veth", "peer", "name", ar);
    n.must("ip", "link", "set", ar, "netns", n.pod);
    n.must("ip", "addr", "add", "198.18.1.1/24", "dev", n.rootLink);
    n.must("ip", "-n", n.pod, "addr", "add", POD_SCRAPE_IP + "/24", "dev", ar);
    for (String[] up : new String[][] {{n.pod, a}, {n.pod, ar}, {n.pod, "lo"}, {n.peer, b}, {n.peer, "lo"}}) {
      n.must("ip", "-n", up[0], "link", "set", up[1], "up");
    }
    n.must("ip", "link", "set", n.rootLink, "up");
    return n;
  }

  /** A command prefixed to run inside {@code namespace}. */
  static List<String> in(String namespace, String... command) {
    List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    c.addAll(List.of(command));
    return c;
  }

  record Result(int code, String output) {
    boolean ok() {
      return code == 0;
    }
  }

  static Result run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(p.waitFor(), out);
  }

  /** Runs {@code command} inside {@code namespace}; a non-zero exit is an IOException. */
  void mustIn(String namespace, String... command) throws IOException, InterruptedException {
    must(in(namespace, command).toArray(String[]::new));
  }

  private void must(String... command) throws IOException, InterruptedException {
    Result r = run(List.of(command));
    if (!r.ok()) {
      throw new IOException(String.join(" ", command) + " failed: " + r.output());
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    run(List.of("ip", "link", "del", rootLink));
    run(List.of("ip", "netns", "del", pod));
    run(List.of("ip", "netns", "del", peer));
  }
}
