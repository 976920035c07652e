package io.sockscope.kubernetes;

import io.sockscope.it.AgentProcess;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace prober end to end from the command line: the shaded jar as a child process against
 * Fabric8's mock API server (CRUD mode) in this JVM.
 */
class KubernetesProberIT {
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;
  KubernetesMockServer api;
  KubernetesClient client;
  Process agent;
  Path output;

  @BeforeEach
  void startApiServer() {
    var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest,
        java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        responses, new KubernetesMixedDispatcher(responses), false);
    api.init();
    client = api.createClient();
  }

  @AfterEach
  void stop() throws Exception {
    if (agent != null) {
      agent.destroy();
      agent.waitFor();
    }
    client.close();
    api.destroy();
  }

  @Test
  void proberDiscoversAndInventoriesFromTheCommandLine() throws Exception {
    Instant notAfter = Instant.parse("2027-02-01T10:20:30Z");
    var cert = TestCertificates.create("shop.example.com", Instant.parse("2026-02-01T00:00:00Z"),
        notAfter);
    client.services().inNamespace("ns")
        .resource(KubernetesWatchTest.service("web", "10.96.0.10", "https", 443)).create();
    client.network().v1().ingresses().inNamespace("ns").resource(new IngressBuilder()
        .withNewMetadata().withName("shop").withNamespace("ns").endMetadata().withNewSpec()
        .addNewTl().withHosts("shop.example.com").withSecretName("shop-tls").endTl().endSpec()
        .build()).create();

    int port = AgentProcess.freePort();
    output = dir.resolve("agent.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), io.sockscope.it.AgentProcess.noDns(), "-jar", System.getProperty("sockscope.jar"),
        "--role", "namespace-prober", "--port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = pb.environment();
    env.put("KUBERNETES_MASTER", "http://" + api.getHostName() + ":" + api.getPort());
    env.put("POD_NAMESPACE", "ns");
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("SOCKSCOPE_LOG_LEVEL", "debug"); // the strictest case for the no-key-in-logs check
    long started = System.nanoTime();
    agent = pb.start();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> status(port, "/readyz") == 200);
    System.out.printf("KubernetesProberIT: /readyz 200 after %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
    String metrics = get(port, "/metrics");
    for (String r : new String[] {"services", "ingresses"}) { // required: synced before ready
      assertThat(metrics).contains("sockscope_kubernetes_watch_synced{resource=\"" + r + "\"} 1");
    }
    // Secrets are optional: readiness does not wait for them, so they may sync a moment later.
    await().atMost(Duration.ofSeconds(5)).until(() -> get(port, "/metrics")
        .contains("sockscope_kubernetes_watch_synced{resource=\"secrets\"} 1"));
    assertThat(get(port, "/api/v1/snapshot"))
        .contains("web.ns.svc:443").contains("shop.example.com:443");

    // A TLS Secret created while the agent runs: time from the API call to the series.
    String series = "sockscope_tls_secret_cert_not_after_timestamp_seconds{namespace=\"ns\","
        + "secret=\"shop-tls\"} " + (double) notAfter.getEpochSecond();
    long created = System.nanoTime();
    client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
        .withName("shop-tls").withNamespace("ns").endMetadata().withType("kubernetes.io/tls")
        .withData(Map.of("tls.crt", cert.tlsCrt(), "tls.key", cert.tlsKey())).build()).create();
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
        .until(() -> get(port, "/metrics").contains(series));
    assertThat(get(port, "/")).contains("shop-tls").doesNotContain("PRIVATE KEY");
    System.out.printf("KubernetesProberIT: Secret create -> /metrics series in %d ms%n",
        (System.nanoTime() - created) / 1_000_000);

    client.secrets().inNamespace("ns").withName("shop-tls").delete();
    await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(10))
        .until(() -> !get(port, "/metrics").contains("secret=\"shop-tls\""));

    assertThat(get(port, "/")).contains("Kubernetes").contains("web.ns.svc:443");
    String everything = get(port, "/metrics") + get(port, "/api/v1/snapshot") + get(port, "/");
    long stopAt = System.nanoTime();
    agent.destroy(); // SIGTERM
    assertThat(agent.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    System.out.printf("KubernetesProberIT: SIGTERM -> exit in %d ms%n",
        (System.nanoTime() - stopAt) / 1_000_000);
    agent = null;
    String log = Files.readString(output);
    String keyBody = cert.privateKeyPem().lines().filter(l -> !l.startsWith("-----"))
        .reduce("", String::concat);
    System.out.printf("KubernetesProberIT: agent log, %d lines at debug; its kubernetes lines:%n",
        log.lines().count());
    log.lines().filter(l -> l.contains("kubernetes: ")).forEach(System.out::println);
    assertThat(log).contains("kubernetes: watching");
    for (String text : new String[] {log, everything}) {
      assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(cert.tlsKey())
          .doesNotContain(keyBody.substring(0, 40));
    }
  }

  /**
   * The namespace prober end to end with per-backend probes: a Service backed by three real TLS
   * servers, one still serving the old certificate of its renewed Secret. The prober's own probes
   * (not a test helper) find 2 of 3 and name the third; a CA bundle ConfigMap gives three expiry
   * series and a PKCS#12 in an Opaque Secret its own; no key or password reaches the outputs.
   */
  @Test
  void backendsAreProbedAndComparedWithTheirSecret() throws Exception {
    var oldCert = TestCertificates.create("web.ns.svc", Instant.parse("2026-01-01T00:00:00Z"),
        Instant.parse("2026-12-31T00:00:00Z"));
    var newCert = TestCertificates.create("web.ns.svc", Instant.parse("2026-11-01T00:00:00Z"),
        Instant.parse("2027-11-01T00:00:00Z"));
    var replicas = TestTlsServer.replicas(newCert, newCert, oldCert);
    try {
      int tlsPort = replicas.getFirst().port();
      client.services().inNamespace("ns").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
          .withNewMetadata().withName("web").withNamespace("ns")
          .addToAnnotations("sockscope.io/tls-secret", "web-tls")
          .addToAnnotations("sockscope.io/owner", "team-payments").endMetadata().withNewSpec()
          .withClusterIP("10.96.0.10").addNewPort().withName("https").withPort(443)
          .withProtocol("TCP").endPort().endSpec().build()).create();
      client.resource(BackendParityTest.slice("web-abc12", tlsPort, "127.0.0.1/web-0/true",
          "127.0.0.2/web-1/true", "127.0.0.3/web-2/true")).inNamespace("ns").create();
      client.secrets().inNamespace("ns").resource(KubernetesWatchTest.tlsSecret("web-tls", newCert))
          .create();
      var root = TestCertificates.create("root-ca", Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2036-01-01T00:00:00Z"));
      var intermediate = TestCertificates.create("intermediate-ca",
          Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2031-06-30T00:00:00Z"));
      var expiring = TestCertificates.create("old-ca", Instant.parse("2026-01-01T00:00:00Z"),
          Instant.parse("2027-03-15T12:00:00Z"));
      client.configMaps().inNamespace("ns").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
          .withNewMetadata().withName("ca-bundle").withNamespace("ns").endMetadata()
          .withData(Map.of("ca.crt", root.certificatePem() + intermediate.certificatePem()
              + expiring.certificatePem())).build()).create();
      client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
          .withName("app-p12").withNamespace("ns").endMetadata().withType("Opaque").withData(Map.of(
              "keystore.p12", StoredCertificatesTest.b64(StoredCertificatesTest.keystore("PKCS12",
                  StoredCertificatesTest.P12_PASSWORD, newCert, root)),
              "password", StoredCertificatesTest.b64(StoredCertificatesTest.P12_PASSWORD.getBytes())))
          .build()).create();

      int port = AgentProcess.freePort();
      Path config = Files.writeString(dir.resolve("prober.yaml"),
          "tls:\n  interval: 1s\n  timeout: 3s\nsockets:\n  enabled: false\n");
      output = dir.resolve("agent.log");
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
          .toString(), AgentProcess.noDns(), "-jar", System.getProperty("sockscope.jar"),
          "--role", "namespace-prober", "--port", String.valueOf(port), "--config", config.toString())
          .redirectErrorStream(true).redirectOutput(output.toFile());
      Map<String, String> env = pb.environment();
      env.put("KUBERNETES_MASTER", "http://" + api.getHostName() + ":" + api.getPort());
      env.put("POD_NAMESPACE", "ns");
      env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
      env.put("SOCKSCOPE_LOG_LEVEL", "debug");
      agent = pb.start();

      String backends = "sockscope_tls_secret_backends{namespace=\"ns\",secret=\"web-tls\",serving=";
      String third = "127.0.0.3:" + tlsPort + ",web.ns.svc";
      long started = System.nanoTime();
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> {
            // every backend probed once: one on the old leaf and two on the current one (the
            // third may be seen before the other two, CI saw current 1, unknown 1)
            String m = status(port, "/readyz") == 200 ? get(port, "/metrics") : "";
            return m.contains(backends + "\"other\"} 1") && m.contains(backends + "\"current\"} 2");
          });
      System.out.printf("KubernetesProberIT: 2 of 3 backends on the new certificate after %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      String metrics = get(port, "/metrics");
      assertThat(metrics)
          .contains(backends + "\"current\"} 2")
          .contains(backends + "\"unknown\"} 0")
          .contains("sockscope_tls_backend_info{backend_pod=\"web-2\",service=\"web.ns.svc:443\",target=\""
              + third + "\"} 1")
          .contains("sockscope_tls_served_cert_matches_secret{secret=\"web-tls\",target=\"" + third + "\"} 0")
          .contains("sockscope_tls_probe_success{source=\"backend\",target=\"" + third + "\"}")
          .contains("sockscope_discovery_targets{source=\"backend\"} 3")
          .contains("sockscope_tls_target_owner_info{owner=\"team-payments\",target=\"web.ns.svc:443\"} 1")
          // The cert_info the prober exports for the third backend is the old leaf.
          .contains("fingerprint_sha256=\"" + oldCert.fingerprint() + "\"");
      for (int i = 0; i < 3; i++) {
        assertThat(metrics).contains("sockscope_tls_stored_cert_not_after_timestamp_seconds{index=\""
            + i + "\",key=\"ca.crt\",kind=\"configmap\",name=\"ca-bundle\",namespace=\"ns\"}");
      }
      assertThat(metrics).contains("sockscope_tls_stored_cert_not_after_timestamp_seconds{index=\"0\","
          + "key=\"keystore.p12\",kind=\"secret\",name=\"app-p12\",namespace=\"ns\"} "
          + (double) Instant.parse("2027-11-01T00:00:00Z").getEpochSecond());

      // The third pod restarts with the renewed certificate: the prober's next probe sees 3 of 3.
      replicas.get(2).serve(newCert);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .until(() -> get(port, "/metrics").contains(backends + "\"current\"} 3"));

      String everything = get(port, "/metrics") + get(port, "/api/v1/snapshot") + get(port, "/");
      agent.destroy();
      assertThat(agent.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      agent = null;
      String log = Files.readString(output);
      for (String text : new String[] {log, everything}) {
        assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(newCert.tlsKey())
            .doesNotContain(StoredCertificatesTest.P12_PASSWORD);
      }
    } finally {
      for (TestTlsServer s : replicas) {
        s.close();
      }
    }
  }

  @Test
  void withoutANamespaceTheProberStopsWithOneLine() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), io.sockscope.it.AgentProcess.noDns(), "-jar", System.getProperty("sockscope.jar"),
        "--role", "namespace-prober", "--port", "0").redirectErrorStream(true);
    pb.environment().remove("POD_NAMESPACE");
    pb.environment().put("KUBERNETES_MASTER", "http://" + api.getHostName() + ":" + api.getPort());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2); // a configuration problem, found before anything starts
    assertThat(out.lines().filter(l -> l.startsWith("sockscope: "))).singleElement().asString()
        .contains("no namespace to watch").contains("POD_NAMESPACE");
  }

  private static int status(int port, String path) {
    try {
      return HTTP.send(request(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String get(int port, String path) throws Exception {
    return HTTP.send(request(port, path), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build();
  }
}
