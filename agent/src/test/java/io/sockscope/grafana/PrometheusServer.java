package io.sockscope.grafana;

import io.sockscope.it.AgentProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian package {@code prometheus}) on loopback, scraping one target every
 * second with fixed {@code namespace}/{@code pod} target labels, as a cluster's Prometheus would
 * add them, and loading the project's rule files. Queried through its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Process process;
  private final String base;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private PrometheusServer(Process process, String base, Path log) {
    this.process = process;
    this.base = base;
    this.log = log;
  }

  /** Starts prometheus in {@code dir} scraping {@code target} (host:port) as job "sockscope". */
  static PrometheusServer start(Path binary, Path dir, String target, Map<String, String> labels,
      List<Path> ruleFiles) throws IOException {
    return start(binary, dir, target, labels, ruleFiles, List.of());
  }

  /** As above, with extra command-line flags (e.g. {@code --enable-feature=native-histograms}). */
  static PrometheusServer start(Path binary, Path dir, String target, Map<String, String> labels,
      List<Path> ruleFiles, List<String> flags) throws IOException {
    int port = AgentProcess.freePort();
    String rules = ruleFiles.stream().map(p -> "  - '" + p.toAbsolutePath() + "'")
        .collect(Collectors.joining("\n"));
    String targetLabels = labels.entrySet().stream()
        .map(e -> e.getKey() + ": '" + e.getValue() + "'").collect(Collectors.joining(", "));
    Path config = Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
          evaluation_interval: 1s
        rule_files:
        %s
        scrape_configs:
          - job_name: sockscope
            static_configs:
              - targets: ['%s']
                labels: {%s}
        """.formatted(rules, target, targetLabels));
    Path log = dir.resolve("prometheus.log");
    List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
        "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port,
        "--log.level=warn"));
    command.addAll(flags);
    Process p = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new PrometheusServer(p, "http://127.0.0.1:" + port, log);
  }

  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited: " + log());
      }
      try {
        if (get("/-/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError("prometheus not ready: " + log());
  }

  /** Instant query; returns the `data.result` array (fails on an API error). */
  JsonNode query(String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = get("/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(r.body());
    if (!"success".equals(body.path("status").asString())) {
      throw new AssertionError("query failed: " + promql + " → " + r.body());
    }
    return body.path("data").path("result");
  }

  /** The `/api/v1/rules` groups (each rule has `health` and `lastError`). */
  JsonNode rules() throws IOException, InterruptedException {
    return JSON.readTree(get("/api/v1/rules").body()).path("data").path("groups");
  }

  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws InterruptedException {
    http.close();
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
