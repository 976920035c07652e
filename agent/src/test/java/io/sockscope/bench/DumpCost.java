package io.sockscope.bench;

import io.sockscope.sockets.AggregateOnce;
import io.sockscope.sockets.NetlinkSockDiag;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSource;
import io.sockscope.sockets.TcpState;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Timing harness of bench/dump-cost (not a test): in the current network namespace it creates
 * about {@code --sockets} TCP sockets (30% ESTABLISHED pairs, 70% client TIME_WAIT, toward 8
 * loopback listeners), then times, interleaved, {@code --runs} times each: a NetlinkSockDiag dump,
 * a ProcfsSource dump, {@code ss -tan > /dev/null} (fork and exec included) and a scrape of
 * node_exporter's tcpstat collector. Prints one markdown table. Optionally starts the agent jar in
 * the same namespace and reports its RSS and its own mean dump time.
 *
 * <pre>java -cp agent/target/classes:agent/target/test-classes io.sockscope.bench.DumpCost
 *     --sockets 10000 --runs 11 --node-exporter http://127.0.0.1:19100/metrics
 *     [--agent bin/sockscope]</pre>
 */
public final class DumpCost {
  private static final int LISTENERS = 8;

  private static final int PAIRS_PER_PROCESS = 8000;

  private final List<Process> holders = new ArrayList<>();
  private long established;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (opt.containsKey("hold")) {
      hold(Integer.parseInt(opt.get("hold")));
      return;
    }
    int sockets = Integer.parseInt(opt.getOrDefault("sockets", "10000"));
    int runs = Integer.parseInt(opt.getOrDefault("runs", "11"));
    new DumpCost().run(sockets, runs, opt.get("node-exporter"), opt.get("agent"));
    System.exit(0);
  }

  private void run(int sockets, int runs, String nodeExporter, String agent) throws Exception {
    long t0 = System.nanoTime();
    create(sockets);
    System.out.printf(
        "created %d sockets (%d ESTABLISHED in %d processes, then TIME_WAIT) in %.1f s%n",
        sockets, established, holders.size(), (System.nanoTime() - t0) / 1e9);

    try (NetlinkSockDiag netlink = NetlinkSockDiag.open()) {
      SocketSource procfs = new ProcfsSource(Path.of("/proc"));
      Map<String, Tool> tools = new LinkedHashMap<>();
      tools.put("netlink (NetlinkSockDiag)", () -> netlink.dump(TcpState.ALL_STATES, r -> {}));
      AggregateOnce fold = new AggregateOnce();
      tools.put("netlink + SocketAggregator (agent tier 1)", () -> fold.run(netlink));
      tools.put("procfs (ProcfsSource)", () -> procfs.dump(TcpState.ALL_STATES, r -> {}));
      tools.put("ss -tan", DumpCost::ss);
      if (nodeExporter != null) {
        tools.put("node_exporter tcpstat scrape", () -> scrape(nodeExporter));
      }
      for (int i = 0; i < 30; i++) { // JIT warm-up of the in-process sources
        netlink.dump(TcpState.ALL_STATES, r -> {});
        procfs.dump(TcpState.ALL_STATES, r -> {});
        fold.run(netlink);
      }
      Map<String, long[]> nanos = new LinkedHashMap<>();
      Map<String, long[]> counts = new LinkedHashMap<>();
      tools.keySet().forEach(k -> {
        nanos.put(k, new long[runs]);
        counts.put(k, new long[runs]);
      });
      for (int r = 0; r < runs; r++) { // interleaved: TIME_WAIT expiry affects every tool alike
        for (var e : tools.entrySet()) {
          long s = System.nanoTime();
          long n = e.getValue().run();
          nanos.get(e.getKey())[r] = System.nanoTime() - s;
          counts.get(e.getKey())[r] = n;
        }
      }
      print(sockets, runs, nanos, counts);
      cpuSplit(netlink, runs);
    }
    if (agent != null) {
      agentFigures(agent);
    }
  }

  private void create(int sockets) throws IOException {
    for (int i = 0; i < LISTENERS; i++) {
      ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.INET);
      s.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
      listeners.add(s);
    }
    int pairs = sockets * 3 / 10 / 2;
    int timeWait = sockets - 2 * pairs - LISTENERS;
    ByteBuffer one = ByteBuffer.allocate(1);
    // ESTABLISHED pairs hold two fds each: spread them over child processes (RLIMIT_NOFILE)
    for (int left = pairs; left > 0; left -= PAIRS_PER_PROCESS) {
      int n = Math.min(left, PAIRS_PER_PROCESS);
      Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
          "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
          DumpCost.class.getName(), "--hold", String.valueOf(n))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String line = p.inputReader().readLine();
      if (!"ready".equals(line)) {
        throw new IOException("socket holder failed: " + line);
      }
      holders.add(p);
      established += 2L * n;
    }
    for (int i = 0; i < timeWait; i++) { // the client closes first: TIME_WAIT on the client side
      ServerSocketChannel l = listeners.get(i % LISTENERS);
      SocketChannel c = SocketChannel.open(l.getLocalAddress());
      SocketChannel s = l.accept();
      c.close();
      one.clear();
      s.read(one);
      s.close();
    }
  }

  /** Where a netlink dump's time goes: kernel (walk and copy) or Java (parse). */
  private static void cpuSplit(NetlinkSockDiag netlink, int runs) throws IOException {
    var threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long[] user = new long[runs];
    long[] system = new long[runs];
    for (int r = 0; r < runs; r++) {
      long u = threads.getCurrentThreadUserTime();
      long c = threads.getCurrentThreadCpuTime();
      netlink.dump(TcpState.ALL_STATES, row -> {});
      user[r] = threads.getCurrentThreadUserTime() - u;
      system[r] = threads.getCurrentThreadCpuTime() - c - user[r];
    }
    // per-thread user/system times advance in scheduler ticks: report the mean over all runs
    double userMean = Arrays.stream(user).sum() / (double) runs;
    double systemMean = Arrays.stream(system).sum() / (double) runs;
    System.out.printf("%nnetlink dump CPU (mean of %d): user %s, system %s%n", runs,
        ms(userMean), ms(systemMean));
  }

  /** Child mode: {@code n} connected pairs on loopback, held until stdin closes. */
  private static void hold(int n) throws IOException {
    List<SocketChannel> keep = new ArrayList<>();
    ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.INET);
    l.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
    for (int i = 0; i < n; i++) {
      keep.add(SocketChannel.open(l.getLocalAddress()));
      keep.add(l.accept());
    }
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // hold the sockets until the parent exits and our stdin closes
    }
  }

  private static long ss() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ss", "-tan").redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (p.waitFor() != 0) {
      throw new IOException("ss failed");
    }
    return -1; // output discarded; counted separately below
  }

  private long scrape(String url) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    long sum = 0;
    for (String line : r.body().split("\n")) {
      // its rx_queued_bytes/tx_queued_bytes "states" are byte sums, not sockets
      if (line.startsWith("node_tcp_connection_states{") && !line.contains("queued_bytes")) {
        sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static long ssCount() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ss", "-Htan").start();
    long lines = new String(p.getInputStream().readAllBytes()).lines().count();
    p.waitFor();
    return lines;
  }

  private static void print(int sockets, int runs, Map<String, long[]> nanos,
      Map<String, long[]> counts) throws Exception {
    long ssLines = ssCount();
    double base = median(nanos.values().iterator().next());
    System.out.printf("%n#### %,d sockets (%d runs each, interleaved)%n%n", sockets, runs);
    System.out.println("| tool | median | min | max | sockets seen | × netlink |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (var e : nanos.entrySet()) {
      long[] t = e.getValue();
      long seen = (long) median(counts.get(e.getKey()));
      double med = median(t);
      System.out.printf("| %s | %s | %s | %s | %s | %.1f |%n", e.getKey(), ms(med),
          ms(Arrays.stream(t).min().orElse(0)), ms(Arrays.stream(t).max().orElse(0)),
          seen < 0 ? String.format("%,d", ssLines) : String.format("%,d", seen), med / base);
    }
  }

  private void agentFigures(String launcher) throws Exception {
    Path cfg = Files.createTempFile("sockscope-bench", ".yaml");
    Files.writeString(cfg, "port: 19102\nsockets:\n  dumpInterval: 1s\n");
    String opts = System.getenv().getOrDefault("SOCKSCOPE_JAVA_OPTS", "");
    Path log = Files.createTempFile("sockscope-bench", ".log");
    Process p = new ProcessBuilder(launcher, "--config", cfg.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      // the first dumps include class loading and JIT: time dumps 3..8 only
      double[] early = awaitDumps(3);
      double[] late = awaitDumps(8);
      String rss = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
          .filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("VmRSS: ?");
      // the launcher execs the JVM, so p.pid() is the agent's JVM
      System.out.printf("%nagent (%s, SOCKSCOPE_JAVA_OPTS='%s'): mean dump+aggregation"
          + " over dumps %.0f..%.0f %s, %s%n", launcher, opts, early[0], late[0],
          ms((late[1] - early[1]) * 1e9 / (late[0] - early[0])), rss.replaceAll("\\s+", " "));
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "; agent log:\n" + Files.readString(log), e);
    } finally {
      p.destroy();
      p.waitFor();
    }
  }

  /** {count, sum} of the agent's netlink dump durations once count reaches {@code n}. */
  private double[] awaitDumps(int n) throws Exception {
    String prefix = "sockscope_sampler_duration_seconds_";
    String labels = "{source=\"netlink\",tier=\"dump\"}";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        String count = metric("http://127.0.0.1:19102/metrics", prefix + "count" + labels);
        String sum = metric("http://127.0.0.1:19102/metrics", prefix + "sum" + labels);
        if (!count.isEmpty() && Double.parseDouble(count) >= n) {
          return new double[] {Double.parseDouble(count), Double.parseDouble(sum)};
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IOException("the agent did not reach " + n + " netlink dumps");
  }

  private String metric(String url, String series) throws IOException, InterruptedException {
    String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return body.lines().filter(l -> l.startsWith(series + " "))
        .map(l -> l.substring(series.length() + 1)).findFirst().orElse("");
  }

  private static double median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
  }

  private static String ms(double nanos) {
    return String.format(nanos < 1e6 ? "%.3f ms" : "%.2f ms", nanos / 1e6);
  }

  @FunctionalInterface
  private interface Tool {
    long run() throws Exception;
  }
}
