package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.sockscope.kubernetes.WatchedResource;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What start needs from the machine, found by the same check as {@code --check-config} (issue 13:
 * the check said OK to configurations that then failed at start). Fixtures name files under
 * {@code @DIR@}, a directory holding a real CA certificate and client key pair (BouncyCastle).
 */
class StartChecksTest {
  @TempDir Path dir;

  /** No POD_NAMESPACE, no service-account file; namespaces watched as start plans them. */
  StartChecks.Environment outsideAPod() {
    return new StartChecks.Environment(Map.<String, String>of()::get, dir.resolve("sa-namespace"),
        c -> !WatchedResource.planFor(c.role(), c.kubernetes()).isEmpty());
  }

  @BeforeEach
  void files() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    KeyPair keys = g.generateKeyPair();
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(new X500Name("CN=sockscope test"), BigInteger.ONE,
            Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)),
            new X500Name("CN=sockscope test"), keys.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
    String pem = pem("CERTIFICATE", cert.getEncoded());
    Files.writeString(dir.resolve("ca.pem"), pem);
    Files.writeString(dir.resolve("client.crt"), pem);
    Files.writeString(dir.resolve("client.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    Files.copy(ConfigLoaderTest.file("not-a-cert.pem"), dir.resolve("not-a-cert.pem"));
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** The fixture with {@code @DIR@} replaced, written beside the test's files. */
  Path fixture(String name) throws Exception {
    String text = Files.readString(ConfigLoaderTest.file(name)).replace("@DIR@", dir.toString());
    return Files.writeString(dir.resolve(name), text);
  }

  List<String> problems(Path config, String... flags) {
    List<String> args = new java.util.ArrayList<>(List.of("--config", config.toString(), "--check-config"));
    args.addAll(List.of(flags));
    try {
      ConfigLoader.check(CommandLine.parse(args.toArray(String[]::new)), outsideAPod());
    } catch (ConfigException e) {
      return e.lines();
    }
    return List.of();
  }

  @Test
  void aValidConfigurationWithRealFilesPasses() throws Exception {
    assertThat(problems(fixture("start-valid.yaml"))).isEmpty();
  }

  @Test
  void aMissingCaFile() throws Exception {
    Path f = fixture("start-ca-missing.yaml");
    assertThat(problems(f)).containsExactly(
        f + ":2:13: tls.caFiles[0]: " + dir + "/missing-ca.pem: no such file");
  }

  @Test
  void aCaFileThatHoldsNoPemCertificate() throws Exception {
    Path f = fixture("start-ca-not-pem.yaml");
    assertThat(problems(f)).containsExactly(f + ":3:7: tls.caFiles[0]: " + dir
        + "/not-a-cert.pem: no PEM certificate in it (no '-----BEGIN CERTIFICATE-----' line)");
  }

  @Test
  void aCaFileFromTheCommandLineIsCheckedToo() throws Exception {
    Path f = fixture("start-valid.yaml");
    assertThat(problems(f, "--tls-ca-file", dir + "/nope.pem")).containsExactly(
        f + ": tls.caFiles[1]: " + dir + "/nope.pem: no such file");
  }

  @Test
  void aProcRootThatDoesNotExist() throws Exception {
    Path f = fixture("start-proc-root.yaml");
    assertThat(problems(f)).containsExactly(f + ":1:11: procRoot: /nonexistent: no such directory");
  }

  @Test
  void aProcRootWithoutSocketTables() throws Exception {
    Path proc = Files.createDirectories(dir.resolve("proc/net"));
    Path f = Files.writeString(dir.resolve("c.yaml"), "procRoot: " + proc.getParent() + "\n");
    assertThat(problems(f)).containsExactly(f + ":1:11: procRoot: cannot read the socket tables under "
        + proc.getParent() + ": " + proc.resolve("tcp") + ": no such file");
  }

  @Test
  void aClientCertificateWithoutItsKey() throws Exception {
    Path f = fixture("start-client-key-missing.yaml");
    assertThat(problems(f)).containsExactly(
        f + ":3:7: tls.targets[0].clientKey: required with clientCert (both or neither)");
  }

  @Test
  void aClientKeyThatIsMissingOrIsNotAKey() throws Exception {
    Path f = fixture("start-client-key-unreadable.yaml");
    assertThat(problems(f)).containsExactly(
        f + ":5:18: tls.targets[0].clientKey: " + dir + "/client.key.missing: no such file",
        f + ":8:18: tls.targets[1].clientKey: " + dir + "/client.crt: no PEM 'BEGIN PRIVATE KEY' block");
  }

  @Test
  void theNamespaceProberWithoutANamespace() throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), "procRoot: /proc\n");
    assertThat(problems(f, "--role", "namespace-prober")).containsExactly(f + ": " + noNamespace());
    Files.writeString(dir.resolve("sa-namespace"), "shop\n");
    assertThat(problems(f, "--role", "namespace-prober")).isEmpty();
  }

  @Test
  void theSidecarWithoutANamespaceWhenItsRoleWatchesOne() throws Exception {
    Path f = fixture("start-sidecar-no-namespace.yaml");
    // Ground truth is what start does: it asks for a namespace exactly when the role plans a watch.
    boolean watches = !WatchedResource.planFor(Role.SIDECAR, KubernetesConfig.defaults()).isEmpty();
    assertThat(problems(f)).isEqualTo(watches ? List.of(f + ": " + noNamespace()) : List.of());
    assertThat(problems(f, "--role", "local")).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnceInFileOrder() throws Exception {
    Path f = fixture("start-all-at-once.yaml");
    int secondCa = "  caFiles: [".length() + (dir + "/missing-ca.pem, ").length() + 1;
    List<String> expected = new java.util.ArrayList<>(List.of(
        f + ":3:11: procRoot: /nonexistent: no such directory",
        f + ":5:17: sockets.dumpInterval: must be between 1s and 30s (got 1ms)",
        f + ":7:13: tls.caFiles[0]: " + dir + "/missing-ca.pem: no such file",
        f + ":7:" + secondCa + ": tls.caFiles[1]: " + dir
            + "/not-a-cert.pem: no PEM certificate in it (no '-----BEGIN CERTIFICATE-----' line)",
        f + ":9:7: tls.targets[0].clientKey: required with clientCert (both or neither)"));
    if (!WatchedResource.planFor(Role.SIDECAR, KubernetesConfig.defaults()).isEmpty()) {
      expected.add(f + ": " + noNamespace());
    }
    assertThat(problems(f)).containsExactlyElementsOf(expected);
  }

  @Test
  void theInjectorsFilesAreReadAsStartReadsThem() throws Exception {
    Path f = Files.writeString(dir.resolve("c.yaml"), """
        role: injector
        injector:
          certFile: %1$s/client.key
          keyFile: %1$s/ca.pem
          sidecarFile: %1$s/sidecar.json
        """.formatted(dir));
    assertThat(problems(f)).containsExactly(
        f + ":3:13: injector.certFile: " + dir
            + "/client.key: no PEM certificate in it (no '-----BEGIN CERTIFICATE-----' line)",
        f + ":4:12: injector.keyFile: " + dir + "/ca.pem: no PEM 'BEGIN PRIVATE KEY' block",
        f + ":5:16: injector.sidecarFile: " + dir + "/sidecar.json: no such file");
  }

  String noNamespace() {
    return "kubernetes.namespace: no namespace to watch: set kubernetes.namespace, or POD_NAMESPACE"
        + " (downward API), or run with a service account (" + dir.resolve("sa-namespace")
        + "); or set kubernetes.enabled: false";
  }
}
