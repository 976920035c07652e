package io.sockscope.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.CertificateFileMetrics;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.peers.KubeletAtomicWriter;
import io.sockscope.tls.CertificateFile;
import io.sockscope.tls.CertificateFileCheck;
import io.sockscope.tls.CertificateFiles;
import io.sockscope.tls.Differs;
import io.sockscope.tls.FileParity;
import io.sockscope.tls.KeystorePassword;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.SecretFingerprints;
import io.sockscope.tls.TlsProber;
import io.sockscope.tls.TrustAnchors;
import io.sockscope.util.MountedFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three-way parity across the whole path, without API access in the sidecar: the namespace
 * prober's watch (Fabric8's mock API server, CRUD) publishes the Secret's leaf into the ConfigMap;
 * a stand-in kubelet copies the Secret into the pod's Secret volume and the ConfigMap into the
 * sidecar's volume (atomic {@code ..data} swaps); a {@code subPath} file is a copy made at
 * container start; the application is a real TLS server on loopback. cert-manager's renewal is an
 * update of the Secret through the API.
 */
@EnableKubernetesMockClient(crud = true)
class CertificateFileParityEndToEndTest {
  KubernetesMockServer server;
  KubernetesClient client;
  @TempDir Path dir;

  @Test
  void aRenewalThroughTheApiShowsTheStaleSubPathFileAndTheApplicationThatDidNotReload()
      throws Exception {
    var old = StoredCertificatesTest.cert("app.ns.svc", "2027-01-10T00:00:00Z");
    var renewed = StoredCertificatesTest.cert("app.ns.svc", "2027-04-10T00:00:00Z");
    client.secrets().inNamespace("ns").resource(tls(old)).create();
    Path secretVolume = dir.resolve("secret-volume");
    Path sidecarVolume = dir.resolve("peers");
    KubeletAtomicWriter kubeletSecret = new KubeletAtomicWriter(secretVolume);
    KubeletAtomicWriter kubeletConfigMap = new KubeletAtomicWriter(sidecarVolume);
    syncSecret(kubeletSecret);
    Path subPath = Files.copy(secretVolume.resolve("tls.crt"), dir.resolve("subpath-tls.crt"));
    try (KubernetesClient lean = KubernetesClients.create(client.getConfiguration());
        KubernetesWatch prober = KubernetesWatch.start(lean, "ns", EnumSet.of(
            WatchedResource.SERVICES, WatchedResource.INGRESSES, WatchedResource.SECRETS));
        TestTlsServer app = new TestTlsServer(old);
        TlsProber tls = new TlsProber(TrustAnchors.load(List.of(), null), Clock.systemUTC());
        MountedFile<SecretFingerprints> published = new MountedFile<>("secret fingerprints",
            sidecarVolume.resolve(SecretFingerprints.KEY), Duration.ofHours(1),
            SecretFingerprints::parse, SecretFingerprints.EMPTY, SecretFingerprints::size);
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      prober.publish(lean, "sockscope-peer-names", 1000, 1000);
      ProbeTarget local = ProbeTarget.of("127.0.0.1", app.port(), "app.ns.svc", ProbeSource.ADHOC);
      CertificateFileCheck volumeFile = new CertificateFileCheck(secretVolume.resolve("tls.crt"),
          CertificateFile.Format.PEM, KeystorePassword.none(), "app-tls", "tls.crt", local);
      CertificateFileCheck subPathFile = new CertificateFileCheck(subPath,
          CertificateFile.Format.PEM, KeystorePassword.none(), "app-tls", "tls.crt", local);
      CertificateFiles files = new CertificateFiles(List.of(volumeFile, subPathFile), 16,
          published::current, t -> tls.probe(t, Duration.ofSeconds(5)), Clock.systemUTC());
      CertificateFileMetrics.bind(files, published, metrics);

      awaitPublished(old);
      syncConfigMap(kubeletConfigMap, published);
      assertThat(differs(files)).containsExactly(Differs.NONE, Differs.NONE);

      // cert-manager renews the Secret through the API.
      client.secrets().inNamespace("ns").resource(tls(renewed)).update();
      syncSecret(kubeletSecret);
      awaitPublished(renewed);
      syncConfigMap(kubeletConfigMap, published);
      assertThat(differs(files)).containsExactly(Differs.SERVED, Differs.SECRET);
      assertThat(new String(metrics.scrape(null).body(), StandardCharsets.UTF_8))
          .contains("sockscope_tls_certificate_file_parity{differs=\"secret\",file=\"" + subPath
              + "\",secret=\"app-tls\"} 1.0")
          .contains("sockscope_tls_certificate_file_not_after_timestamp_seconds{file=\"" + subPath
              + "\"} " + (double) Instant.parse("2027-01-10T00:00:00Z").getEpochSecond());

      // The application reloads what the volume holds: only the subPath copy still differs.
      app.serve(renewed);
      assertThat(differs(files)).containsExactly(Differs.NONE, Differs.FILE);
    }
  }

  private static List<Differs> differs(CertificateFiles files) {
    return files.check().stream().map(FileParity::differs).toList();
  }

  private static Secret tls(TestCertificates c) throws Exception {
    return new SecretBuilder().withNewMetadata().withName("app-tls").withNamespace("ns").endMetadata()
        .withType("kubernetes.io/tls").addToData("tls.crt", c.tlsCrt())
        .addToData("tls.key", c.tlsKey()).build();
  }

  /** The kubelet's Secret volume: the Secret's data as the API serves it. */
  private void syncSecret(KubeletAtomicWriter kubelet) throws Exception {
    Secret s = client.secrets().inNamespace("ns").withName("app-tls").get();
    Map<String, String> files = new HashMap<>();
    s.getData().forEach((k, v) -> files.put(k, new String(Base64.getDecoder().decode(v),
        StandardCharsets.UTF_8)));
    kubelet.write(files);
  }

  private void awaitPublished(TestCertificates leaf) {
    String fingerprint = io.sockscope.tls.CertificateFacts.sha256(leaf.certificate());
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      ConfigMap cm = client.configMaps().inNamespace("ns").withName("sockscope-peer-names").get();
      return cm != null && cm.getData().getOrDefault(SecretFingerprints.KEY, "").contains(fingerprint);
    });
  }

  /** The kubelet's sync of the sidecar's ConfigMap volume, then the sidecar's poll. */
  private void syncConfigMap(KubeletAtomicWriter kubelet, MountedFile<SecretFingerprints> file)
      throws Exception {
    ConfigMap cm = client.configMaps().inNamespace("ns").withName("sockscope-peer-names").get();
    kubelet.write(Map.copyOf(cm.getData()));
    file.check();
  }
}
