package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.metrics.BuildInfo;
import io.sockscope.metrics.CertificateFileMetrics;
import io.sockscope.metrics.MetricsRegistry;
import io.sockscope.peers.KubeletAtomicWriter;
import io.sockscope.util.MountedFile;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three-way parity with real parts: a real TLS server on loopback serving one certificate (the
 * pod's own port), certificate files on disk in PEM, PKCS#12 and JKS, the Secret volume and the
 * prober's published fingerprints both laid out as the kubelet writes volumes (timestamped
 * directory, {@code ..data} symlink swap), and a {@code subPath}-style file: a plain copy made when
 * the container started, which the kubelet never updates.
 *
 * <p>The story of a renewal: cert-manager renews the Secret, the kubelet swaps the Secret volume and
 * the prober publishes the new leaf; the subPath file keeps the old one and the application keeps
 * serving it. The parity must name the odd view at each step.
 */
class CertificateFilesTest {
  static final String PASSWORD_ENV = "SOCKSCOPE_TEST_KEYSTORE_PASSWORD"; // set by surefire
  static final String P12_PASSWORD = "p12-Pass-31c9";

  @TempDir Path dir;
  TestCa.Issued root;
  TestCa.Issued old;
  TestCa.Issued renewed;
  Path secretVolume;
  Path published;
  KubeletAtomicWriter kubelet;
  KubeletAtomicWriter prober;
  MountedFile<SecretFingerprints> fingerprints;

  @BeforeEach
  void setUp() throws Exception {
    root = TestCa.root("Parity Root");
    old = TestCa.leaf(root, days(-60), days(30), "app.ns.svc");
    renewed = TestCa.leaf(root, days(-1), days(89), "app.ns.svc");
    secretVolume = dir.resolve("secret-volume");
    published = dir.resolve("published");
    kubelet = new KubeletAtomicWriter(secretVolume);
    prober = new KubeletAtomicWriter(published);
    fingerprints = new MountedFile<>("secret fingerprints",
        published.resolve(SecretFingerprints.KEY), Duration.ofHours(1), SecretFingerprints::parse,
        SecretFingerprints.EMPTY, SecretFingerprints::size);
  }

  @Test
  void pemSubPathFileAndAnApplicationThatNeverReloaded() throws Exception {
    writeSecret(old);
    publish("tls.crt", old);
    // subPath: the container got a copy of the file as it was when it started
    Path subPath = Files.copy(secretVolume.resolve("tls.crt"), dir.resolve("subpath-tls.crt"));
    TestTlsServer app = TestTlsServer.serving(old).start();
    try (TlsProber tlsProber = new TlsProber(TrustAnchors.of(List.of()), Clock.systemUTC());
        MetricsRegistry metrics = new MetricsRegistry(BuildInfo.load())) {
      var volumeFile = check(secretVolume.resolve("tls.crt"), "tls.crt", app.port(),
          KeystorePassword.none(), CertificateFile.Format.PEM);
      var subPathFile = check(subPath, "tls.crt", app.port(), KeystorePassword.none(),
          CertificateFile.Format.PEM);
      CertificateFiles files = new CertificateFiles(List.of(volumeFile, subPathFile), 16,
          fingerprints::current, t -> tlsProber.probe(t, Duration.ofSeconds(5)), Clock.systemUTC());
      CertificateFileMetrics.bind(files, fingerprints, metrics);

      assertThat(differs(files)).containsExactly(Differs.NONE, Differs.NONE);
      assertThat(files.latest().getFirst().fileLeaf().notAfter()).isEqualTo(days(30));

      // cert-manager renews: the kubelet swaps the Secret volume, the prober publishes the leaf.
      writeSecret(renewed);
      publish("tls.crt", renewed);
      assertThat(differs(files))
          .as("the volume file follows the Secret, the app still serves the old leaf; "
              + "the subPath copy and the app agree on the old leaf, the Secret moved on")
          .containsExactly(Differs.SERVED, Differs.SECRET);
      String text = new String(metrics.scrape(null).body(), StandardCharsets.UTF_8);
      assertThat(text)
          .contains("sockscope_tls_certificate_file_parity{differs=\"served\",file=\""
              + volumeFile.file() + "\",secret=\"app-tls\"} 1.0")
          .contains("sockscope_tls_certificate_file_parity{differs=\"secret\",file=\""
              + subPath + "\",secret=\"app-tls\"} 1.0")
          .contains("sockscope_tls_certificate_file_not_after_timestamp_seconds{file=\""
              + volumeFile.file() + "\"} " + seconds(days(89)))
          .contains("sockscope_tls_certificate_file_not_after_timestamp_seconds{file=\""
              + subPath + "\"} " + seconds(days(30)))
          .contains("sockscope_secret_fingerprints_loaded 1.0")
          .contains("sockscope_series_cut{family=\"sockscope_tls_certificate_file_parity\"} 0.0");

      // The application restarts with what it reads: the subPath copy would still be old, but
      // the restarted app reads the volume file: now only the stale subPath copy differs.
      app.close();
      app = TestTlsServer.serving(renewed).startOn(app.port());
      assertThat(differs(files)).containsExactly(Differs.NONE, Differs.FILE);
    } finally {
      app.close();
    }
  }

  @Test
  void pkcs12AndJksKeystoresInParityAndOutOfIt() throws Exception {
    Path p12Password = Files.writeString(dir.resolve("p12.pass"), P12_PASSWORD + "\n");
    String jksPassword = System.getenv(PASSWORD_ENV);
    assertThat(jksPassword).as("surefire sets " + PASSWORD_ENV).isNotBlank();
    kubelet.write(Map.of(), Map.of(
        "keystore.p12", certManagerKeystore("PKCS12", old, P12_PASSWORD),
        "keystore.jks", certManagerKeystore("JKS", old, jksPassword)));
    publish(Map.of("keystore.p12", old, "keystore.jks", old));
    TestTlsServer app = TestTlsServer.serving(old).start();
    try (TlsProber tlsProber = new TlsProber(TrustAnchors.of(List.of()), Clock.systemUTC())) {
      var p12 = check(secretVolume.resolve("keystore.p12"), "keystore.p12", app.port(),
          KeystorePassword.fromFile(p12Password), CertificateFile.Format.PKCS12);
      var jks = check(secretVolume.resolve("keystore.jks"), "keystore.jks", app.port(),
          KeystorePassword.fromEnv(PASSWORD_ENV), CertificateFile.Format.JKS);
      CertificateFiles files = new CertificateFiles(List.of(p12, jks), 16, fingerprints::current,
          t -> tlsProber.probe(t, Duration.ofSeconds(5)), Clock.systemUTC());
      // The keystores' leaf, not their "ca" entry (which sorts first by alias).
      assertThat(differs(files)).containsExactly(Differs.NONE, Differs.NONE);
      assertThat(files.latest()).allSatisfy(p ->
          assertThat(p.fileLeaf().fingerprintSha256()).isEqualTo(CertificateFacts.sha256(old.cert())));

      // Renewed in the Secret and the volume; the JVM application keeps its loaded keystore.
      kubelet.write(Map.of(), Map.of(
          "keystore.p12", certManagerKeystore("PKCS12", renewed, P12_PASSWORD),
          "keystore.jks", certManagerKeystore("JKS", renewed, jksPassword)));
      publish(Map.of("keystore.p12", renewed, "keystore.jks", renewed));
      assertThat(differs(files)).containsExactly(Differs.SERVED, Differs.SERVED);

      // A wrong password: the file side is unknown, counted, and the password is never said.
      Files.writeString(p12Password, "not-the-password");
      assertThat(differs(files).getFirst()).isEqualTo(Differs.UNKNOWN);
      assertThat(files.errors(p12, CertificateFiles.Side.FILE)).isEqualTo(1);
    } finally {
      app.close();
    }
  }

  @Test
  void withoutAPortOnlyTheFileAndTheSecretAreCompared() throws Exception {
    writeSecret(old);
    Path subPath = Files.copy(secretVolume.resolve("tls.crt"), dir.resolve("copy.crt"));
    publish("tls.crt", renewed);
    var c = check(subPath, "tls.crt", null, KeystorePassword.none(), CertificateFile.Format.PEM);
    CertificateFiles files = new CertificateFiles(List.of(c), 16, fingerprints::current,
        t -> { throw new AssertionError("no port: no probe"); }, Clock.systemUTC());
    assertThat(differs(files)).containsExactly(Differs.FILE);
  }

  @Test
  void unknownUntilThePublicationArrivesAndLastGoodCopyAfterABadOne() throws Exception {
    writeSecret(old);
    var c = check(secretVolume.resolve("tls.crt"), "tls.crt", null, KeystorePassword.none(),
        CertificateFile.Format.PEM);
    CertificateFiles files = new CertificateFiles(List.of(c, c, c), 1, fingerprints::current,
        t -> null, Clock.systemUTC());
    assertThat(differs(files)).containsExactly(Differs.UNKNOWN);
    assertThat(files.cut()).isEqualTo(2);
    publish("tls.crt", old);
    assertThat(differs(files)).containsExactly(Differs.NONE);
    prober.write(Map.of(SecretFingerprints.KEY, "app-tls tls.crt not-a-fingerprint 1\n"));
    assertThat(differs(files)).as("last good copy kept").containsExactly(Differs.NONE);
    assertThat(fingerprints.errors(MountedFile.Error.MALFORMED)).isEqualTo(1);
  }

  private CertificateFileCheck check(Path file, String key, Integer port,
      KeystorePassword password, CertificateFile.Format format) {
    return new CertificateFileCheck(file, format, password, "app-tls", key,
        port == null ? null : ProbeTarget.of("127.0.0.1", port, "app.ns.svc", ProbeSource.ADHOC));
  }

  private List<Differs> differs(CertificateFiles files) {
    fingerprints.check(); // the sidecar's poll of the mounted ConfigMap
    return files.check().stream().map(FileParity::differs).toList();
  }

  /** The Secret volume as the kubelet writes it: tls.crt and tls.key of a kubernetes.io/tls. */
  private void writeSecret(TestCa.Issued leaf) throws Exception {
    Path tmp = Files.createTempDirectory(dir, "pem");
    kubelet.write(Map.of(
        "tls.crt", Files.readString(leaf.pem(tmp, "tls")),
        "tls.key", Files.readString(leaf.keyPem(tmp, "tls"))));
  }

  private void publish(String key, TestCa.Issued leaf) throws Exception {
    publish(Map.of(key, leaf));
  }

  /** What the namespace prober publishes and the kubelet copies into the sidecar's volume. */
  private void publish(Map<String, TestCa.Issued> leaves) throws Exception {
    Map<String, SecretFingerprints.Leaf> m = new HashMap<>();
    leaves.forEach((key, leaf) -> m.put("app-tls/" + key, new SecretFingerprints.Leaf("app-tls",
        key, CertificateFacts.sha256(leaf.cert()), leaf.cert().getNotAfter().toInstant())));
    prober.write(Map.of("peers", "# sockscope peer names v1\n",
        SecretFingerprints.KEY, new SecretFingerprints(m).format(1000).text()));
  }

  /** As cert-manager writes keystores: key entry "certificate" (leaf + CA), trusted entry "ca". */
  private byte[] certManagerKeystore(String type, TestCa.Issued leaf, String password)
      throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    ks.setKeyEntry("certificate", leaf.keys().getPrivate(), password.toCharArray(),
        new X509Certificate[] {leaf.cert(), root.cert()});
    ks.setCertificateEntry("ca", root.cert());
    var out = new ByteArrayOutputStream();
    ks.store(out, password.toCharArray());
    return out.toByteArray();
  }

  private static String seconds(java.time.Instant t) {
    return String.valueOf((double) t.getEpochSecond());
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }
}
