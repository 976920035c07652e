package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockscope.tls.CertificateFile.Format;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real files: a PEM CA bundle, a combined cert+key PEM, a PKCS#12 and a JKS keystore written with
 * the JDK's KeyStore API (what keytool does), certificates of exact dates from BouncyCastle.
 */
class CertificateFileTest {
  static final String ENV = "SOCKSCOPE_TEST_KEYSTORE_PASSWORD";
  static TestCa.Issued rootA;
  static TestCa.Issued rootB;
  static TestCa.Issued intermediate;
  static TestCa.Issued leaf;
  @TempDir static Path dir;

  @BeforeAll
  static void certificates() throws Exception {
    rootA = TestCa.root("Bundle Root A");
    rootB = TestCa.root("Bundle Root B");
    intermediate = TestCa.intermediate(rootA, "Bundle Intermediate");
    leaf = TestCa.leaf(intermediate, days(-5), days(42), "app.test");
  }

  @Test
  void pemBundleGivesEachCertificateItsOwnExpiry() throws Exception {
    var expiring = TestCa.selfSigned(days(-100), days(7), "old-ca.test");
    Path bundle = TestCa.writePem(dir.resolve("ca-bundle.crt"),
        rootA.cert(), expiring.cert(), rootB.cert());
    List<CertificateFacts> facts = CertificateFile.read(bundle, Format.of(bundle), KeystorePassword.none());
    assertThat(facts).extracting(CertificateFacts::notAfter)
        .containsExactly(rootA.cert().getNotAfter().toInstant(), days(7),
            rootB.cert().getNotAfter().toInstant());
    assertThat(facts).extracting(CertificateFacts::fingerprintSha256)
        .containsExactly(CertificateFacts.sha256(rootA.cert()), CertificateFacts.sha256(expiring.cert()),
            CertificateFacts.sha256(rootB.cert()));
  }

  @Test
  void combinedPemSkipsTheKeyAndDuplicates() throws Exception {
    Path crt = leaf.pem(dir, "combined");
    Path key = leaf.keyPem(dir, "combined");
    Path combined = dir.resolve("combined.pem");
    Files.writeString(combined, Files.readString(key) + Files.readString(crt) + Files.readString(crt));
    var entries = CertificateFile.entries(combined, Format.PEM, KeystorePassword.none());
    assertThat(entries).extracting(CertificateFile.Entry::name).containsExactly("#0", "#1");
    assertThat(entries.getFirst().facts().notAfter()).isEqualTo(days(42));
    assertThat(entries.getFirst().facts().dnsNames()).containsExactly("app.test");
    assertThat(entries.get(1).facts().subject()).isEqualTo("CN=Bundle Intermediate");
  }

  @Test
  void pkcs12WithThePasswordFromAFile() throws Exception {
    Path passwordFile = Files.writeString(dir.resolve("p12.pass"), "s3cret-p12\n");
    Path p12 = keystore("PKCS12", "server.p12", "s3cret-p12".toCharArray());
    var entries = CertificateFile.entries(p12, Format.of(p12), KeystorePassword.fromFile(passwordFile));
    assertThat(entries).extracting(CertificateFile.Entry::name)
        .containsExactly("server", "server#1", "ca-b"); // key entries first: the leaf is first
    assertThat(entries).extracting(e -> e.facts().notAfter())
        .containsExactly(days(42), intermediate.cert().getNotAfter().toInstant(),
            rootB.cert().getNotAfter().toInstant());
  }

  @Test
  void jksWithThePasswordFromTheEnvironment() throws Exception {
    String password = System.getenv(ENV);
    assertThat(password).as("surefire sets " + ENV).isNotBlank();
    Path jks = keystore("JKS", "server.jks", password.toCharArray());
    var facts = CertificateFile.read(jks, Format.of(jks), KeystorePassword.fromEnv(ENV));
    assertThat(facts).extracting(CertificateFacts::fingerprintSha256)
        .containsExactly(CertificateFacts.sha256(leaf.cert()),
            CertificateFacts.sha256(intermediate.cert()), CertificateFacts.sha256(rootB.cert()));
  }

  @Test
  void aWrongPasswordFailsWithoutSayingThePassword() throws Exception {
    Path p12 = keystore("PKCS12", "wrong.p12", "right-one".toCharArray());
    Path passwordFile = Files.writeString(dir.resolve("wrong.pass"), "not-the-right-one");
    assertThatThrownBy(() -> CertificateFile.read(p12, Format.PKCS12, KeystorePassword.fromFile(passwordFile)))
        .hasMessageContaining("wrong.p12")
        .hasMessageNotContaining("not-the-right-one")
        .hasMessageNotContaining("right-one");
    assertThat(KeystorePassword.fromFile(passwordFile).toString()).doesNotContain("not-the-right-one");
  }

  @Test
  void aFileWithoutCertificatesIsAnError() throws Exception {
    Path key = leaf.keyPem(dir, "only-key");
    assertThatThrownBy(() -> CertificateFile.read(key, Format.PEM, KeystorePassword.none()))
        .hasMessageContaining("no PEM CERTIFICATE block");
  }

  @Test
  void formatsByNameAndExtension() {
    assertThat(Format.of(Path.of("a/keystore.P12"))).isEqualTo(Format.PKCS12);
    assertThat(Format.of(Path.of("trust.jks"))).isEqualTo(Format.JKS);
    assertThat(Format.of(Path.of("ca.crt"))).isEqualTo(Format.PEM);
    assertThat(Format.parse("pkcs12")).isEqualTo(Format.PKCS12);
    assertThatThrownBy(() -> Format.parse("der")).hasMessageContaining("none of pem, pkcs12, jks");
  }

  /** A key entry "server" (leaf + intermediate) and a trusted entry "ca-b", as keytool writes. */
  private static Path keystore(String type, String name, char[] password) throws Exception {
    KeyStore ks = KeyStore.getInstance(type);
    ks.load(null, null);
    ks.setKeyEntry("server", leaf.keys().getPrivate(), password,
        leaf.chain().toArray(X509Certificate[]::new));
    ks.setCertificateEntry("ca-b", rootB.cert());
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, password);
    }
    return file;
  }
}
