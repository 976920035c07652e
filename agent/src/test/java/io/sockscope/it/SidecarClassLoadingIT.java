package io.sockscope.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.peers.KubeletAtomicWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar role loads no Kubernetes client, no Jetty or Javalin and no Jackson
 * (docs/architecture.md, "What each role loads"): the jar runs as the chart deploys it (config
 * file, names from a kubelet-style mounted table), every route is exercised (text, OpenMetrics
 * and protobuf scrapes, status page, snapshot, readiness), and the JVM's own class-loading log is
 * the ground truth.
 */
class SidecarClassLoadingIT {
  static final List<String> SERVER_AND_CLIENT = List.of("io.fabric8.", "org.eclipse.jetty.", "io.javalin.");
  static final List<String> JACKSON = List.of("com.fasterxml.jackson.", "tools.jackson.");
  @TempDir static Path dir;
  static List<String> loaded;

  @Test
  void theSidecarRoleLoadsNoFabric8JettyOrJavalin() throws Exception {
    assertThat(classesOf(SERVER_AND_CLIENT))
        .as("classes of Fabric8, Jetty or Javalin loaded in the sidecar role").isEmpty();
  }

  /** The configuration is read without Jackson (the JDK-only YAML reader of config/). */
  @Test
  void theSidecarRoleLoadsNoJackson() throws Exception {
    assertThat(classesOf(JACKSON)).as("Jackson classes loaded in the sidecar role").isEmpty();
  }

  private static List<String> classesOf(List<String> prefixes) throws Exception {
    if (loaded == null) {
      loaded = run();
    }
    return loaded.stream().filter(c -> prefixes.stream().anyMatch(c::startsWith)).toList();
  }

  private static List<String> run() throws Exception {
    int port = AgentProcess.freePort();
    Path peers = dir.resolve("peers");
    // The golden fixture's certificate (made with openssl) and its published Secret fingerprint.
    Path certificate = Path.of("src/test/resources/fixtures/certs/app.crt").toAbsolutePath();
    new KubeletAtomicWriter(peers).write(Map.of("peers",
        "# sockscope peer names v1: <ip> <service>.<namespace>\n127.0.0.1 self.ns\n",
        "certificates", Files.readString(certificate.resolveSibling("certificates"))));
    Path config = Files.writeString(dir.resolve("config.yaml"), """
        role: sidecar
        port: %d
        kubernetes:
          secrets: false
          peerNamesFile: %s
          certificatesFile: %s
        """.formatted(port, peers.resolve("peers"), peers.resolve("certificates")));
    Path classLog = dir.resolve("classes.log");
    String base = "http://127.0.0.1:" + port;
    List<String> cmd = List.of(AgentProcess.java(), "--enable-native-access=ALL-UNNAMED", "-Xmx64m",
        "-Xlog:class+load=info:file=" + classLog, "-jar", AgentProcess.jar().toString(),
        "--config", config.toString(), "--certificate-file", certificate + ",secret=app-tls");
    try (AgentProcess agent = AgentProcess.startCommand(cmd, Map.of(), base);
        HttpClient http = HttpClient.newHttpClient()) {
      agent.awaitReady(Duration.ofSeconds(60));
      for (String accept : List.of("text/plain", "application/openmetrics-text; version=1.0.0",
          "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited")) {
        var r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Accept", accept).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isPositive();
      }
      assertThat(agent.get("/").body()).contains("Peer names").contains("Certificate files");
      // checked in the background once started
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(agent.get("/api/v1/snapshot").body()).contains("\"differs\" : \"none\""));
      assertThat(agent.get("/api/v1/snapshot").body()).contains("\"addresses\" : 1");
      assertThat(agent.get("/healthz").statusCode()).isEqualTo(200);
      assertThat(agent.get("/nope").statusCode()).isEqualTo(404);
      assertThat(agent.log()).contains("sockscope started: role sidecar");
    }
    List<String> classes = Files.readAllLines(classLog).stream()
        .map(l -> l.replaceFirst("^\\[[^]]*]\\[[^]]*]\\[[^]]*] ", ""))
        .map(l -> l.split(" ", 2)[0])
        .toList();
    // The log is real: the lean server (the JDK's, with client_java's /metrics handler) and the
    // peer-name reader are in it.
    assertThat(classes).contains("io.prometheus.metrics.exporter.httpserver.MetricsHandler",
        "io.sockscope.peers.PeerNameFile", "com.sun.net.httpserver.HttpServer",
        "io.sockscope.tls.CertificateFiles", "io.sockscope.tls.SecretFingerprints");
    return classes;
  }
}
