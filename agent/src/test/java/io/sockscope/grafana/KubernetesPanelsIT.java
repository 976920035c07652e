package io.sockscope.grafana;

import io.sockscope.it.AgentProcess;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The panels and alerts that need Kubernetes objects, end to end: the agent jar as namespace prober
 * against Fabric8's mock API server (CRUD mode) holding a TLS Secret whose certificate expires in
 * a day, and a Service (annotated with its Secret) whose name resolves, through the agent's hosts
 * file, to a real TLS server on loopback serving that Secret's certificate; scraped by a real
 * Prometheus loading the rules.
 */
class KubernetesPanelsIT {
  @Test
  void kubernetesQueriesReturnSeriesAndTheSecretAlertIsPending(@TempDir Path dir) throws Exception {
    Path prometheus = Tools.require("prometheus");
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    KubernetesMockServer api = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
        new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
    api.init();
    try (KubernetesClient client = api.createClient()) {
      Instant now = Instant.now();
      client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
          .withName("shop-tls").withNamespace("ns").endMetadata().withType("kubernetes.io/tls")
          .withData(Map.of("tls.crt", b64(certificatePem(now.minus(5, ChronoUnit.DAYS),
              now.plus(1, ChronoUnit.DAYS))), "tls.key", b64("unused")))
          .build()).create();
      KeyPair webKeys = keys();
      String webCert = certificatePem(webKeys, "web.ns.svc", now.minus(1, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
      client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata()
          .withName("web-tls").withNamespace("ns").endMetadata().withType("kubernetes.io/tls")
          .withData(Map.of("tls.crt", b64(webCert), "tls.key", b64("unused"))).build()).create();
      SSLServerSocket web = tlsServer(webKeys, webCert);
      client.services().inNamespace("ns").resource(new ServiceBuilder().withNewMetadata()
          .withName("web").withNamespace("ns").addToAnnotations("sockscope.io/tls-secret", "web-tls")
          .endMetadata().withNewSpec().addNewPort().withName("https").withPort(web.getLocalPort())
          .endPort().endSpec().build()).create();
      // The prober dials web.ns.svc: the agent's hosts file sends it to the loopback server.
      Path hosts = java.nio.file.Files.writeString(dir.resolve("hosts"),
          "127.0.0.1 localhost web.ns.svc\n::1 localhost\n");
      int port = AgentProcess.freePort();
      ProcessBuilder pb = new ProcessBuilder(io.sockscope.it.AgentProcess.java(), "-Djdk.net.hosts.file=" + hosts, "-jar",
          io.sockscope.it.AgentProcess.jar().toString(), "--role", "namespace-prober",
          "--port", Integer.toString(port))
          .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile());
      pb.environment().put("KUBERNETES_MASTER", "http://" + api.getHostName() + ":" + api.getPort());
      pb.environment().put("POD_NAMESPACE", "ns");
      pb.environment().put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
      pb.environment().put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
      Process agent = pb.start();
      try (PrometheusServer prom = PrometheusServer.start(prometheus, dir, "127.0.0.1:" + port,
          Map.of("namespace", "ns", "pod", "sockscope-prober"), Repo.ruleFiles())) {
        prom.awaitReady(Duration.ofSeconds(30));
        List<PromQueries.Query> queries = kubernetesQueries();
        assertThat(queries).as("queries on Kubernetes metrics").hasSizeGreaterThanOrEqualTo(3);
        List<String> failures;
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        do {
          Thread.sleep(2000);
          failures = new ArrayList<>(DashboardQueriesIT.emptyQueries(prom, queries));
          if (prom.query("ALERTS{alertname=\"SockscopeTlsSecretCertExpiring\",secret=\"shop-tls\"}")
              .isEmpty()) {
            failures.add("SockscopeTlsSecretCertExpiring not pending for shop-tls");
          }
          if (prom.query("sockscope_tls_served_cert_matches_secret{secret=\"web-tls\"} == 1").isEmpty()) {
            failures.add("web.ns.svc does not show as serving web-tls");
          }
        } while (!failures.isEmpty() && System.nanoTime() < deadline);
        assertThat(failures).as("agent log:\n" + java.nio.file.Files.readString(
            dir.resolve("agent.log"))).isEmpty();
        System.out.printf("KubernetesPanelsIT: %d Kubernetes queries returned series%n",
            queries.size());
      } finally {
        agent.destroy();
        agent.waitFor();
        web.close();
      }
    } finally {
      api.destroy();
    }
  }

  /** Panel and recording-rule queries on Kubernetes-only metrics. */
  private static List<PromQueries.Query> kubernetesQueries() throws Exception {
    return PromQueries.all().stream()
        .filter(q -> q.kind() != PromQueries.Kind.ALERT)
        .filter(q -> PromQueries.metricNames(q.expr()).stream()
            .anyMatch(DashboardQueriesIT.NEEDS_KUBERNETES::containsKey))
        .toList();
  }

  private static KeyPair keys() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    return g.generateKeyPair();
  }

  /** A TLS server on loopback presenting {@code pem}; it completes handshakes and hangs up. */
  private static SSLServerSocket tlsServer(KeyPair keys, String pem) throws Exception {
    var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("leaf", keys.getPrivate(), new char[0], new java.security.cert.Certificate[] {cert});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
    Thread.ofVirtual().start(() -> {
      while (!server.isClosed()) {
        try {
          SSLSocket s = (SSLSocket) server.accept();
          Thread.ofVirtual().start(() -> {
            try (s) {
              s.startHandshake();
            } catch (java.io.IOException ignored) {
              // the prober hung up
            }
          });
        } catch (java.io.IOException e) {
          return;
        }
      }
    });
    return server;
  }

  private static String certificatePem(Instant notBefore, Instant notAfter) throws Exception {
    return certificatePem(keys(), "shop.example.com", notBefore, notAfter);
  }

  private static String certificatePem(KeyPair keys, String cn, Instant notBefore, Instant notAfter) throws Exception {
    X500Name name = new X500Name("CN=" + cn);
    byte[] der = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(notBefore.getEpochSecond()),
        Date.from(notBefore), Date.from(notAfter), name, keys.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
        .getEncoded();
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }
}
