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
 * (docs/architecture.md, "What each role loads"): the whole jar runs as the chart deploys it
 * (config file, names from a kubelet-style mounted table), every route is exercised (text,
 * OpenMetrics and protobuf scrapes, status page, snapshot, readiness), and the JVM's own
 * class-loading log is the ground truth. The sidecar's own jar, which the image runs in that role,
 * holds none of those libraries and serves the same routes.
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

  /** What the image runs in the sidecar role: none of those libraries is even in the jar. */
  @Test
  void theSidecarJarHoldsNoneOfThemAndServesTheSameRoutes() throws Exception {
    List<String> entries;
    try (var jar = new java.util.jar.JarFile(AgentProcess.sidecarJar().toFile())) {
      entries = jar.stream().map(e -> e.getName().replace('/', '.')).toList();
    }
    assertThat(entries).as("the sidecar jar's own classes are in it").contains("io.sockscope.Main.class")
        .filteredOn(e -> java.util.stream.Stream.concat(SERVER_AND_CLIENT.stream(), JACKSON.stream())
            .anyMatch(e::startsWith) || e.startsWith("kotlin."))
        .as("Fabric8, Jetty, Javalin, Jackson or Kotlin in the sidecar jar").isEmpty();
    assertThat(run(AgentProcess.sidecarJar(), dir.resolve("sidecar-jar")))
        .filteredOn(c -> c.startsWith("io.sockscope.")).isNotEmpty();
  }

  private static List<String> classesOf(List<String> prefixes) throws Exception {
    if (loaded == null) {
      loaded = run(AgentProcess.jar(), dir.resolve("whole-jar"));
    }
    return loaded.stream().filter(c -> prefixes.stream().anyMatch(c::startsWith)).toList();
  }

  private static List<String> run(Path jar, Path work) throws Exception {
    Files.createDirectories(work);
    int port = AgentProcess.freePort();
    Path peers = work.resolve("peers");
    // The golden fixture's certificate (made with openssl) and its published Secret fingerprint.
    Path certificate = Path.of("src/test/resources/fixtures/certs/app.crt").toAbsolutePath();
    new KubeletAtomicWriter(peers).write(Map.of("peers",
        "# sockscope peer names v1: <ip> <service>.<namespace>\n127.0.0.1 self.ns\n",
        "certificates", Files.readString(certificate.resolveSibling("certificates"))));
    Path config = Files.writeString(work.resolve("config.yaml"), """
        role: sidecar
        port: %d
        kubernetes:
          secrets: false
          peerNamesFile: %s
          certificatesFile: %s
        """.formatted(port, peers.resolve("peers"), peers.resolve("certificates")));
    Path classLog = work.resolve("classes.log");
    String base = "http://127.0.0.1:" + port;
    List<String> cmd = List.of(AgentProcess.java(), "--enable-native-access=ALL-UNNAMED", "-Xmx64m",
        "-Xlog:class+load=info:file=" + classLog, "-jar", jar.toString(),
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
