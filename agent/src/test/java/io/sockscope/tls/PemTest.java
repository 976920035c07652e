package io.sockscope.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys as the tools that make them write them: the JDK (PKCS#8), OpenSSL's legacy form (PKCS#1). */
class PemTest {
  @TempDir Path dir;

  @Test
  void readsPkcs8KeysOfEachUsualAlgorithm() throws Exception {
    for (KeyPair k : new KeyPair[] {TestCa.ec(), TestCa.rsa(2048)}) {
      Path file = TestCa.writeKey(dir.resolve(k.getPrivate().getAlgorithm() + ".key"), k.getPrivate());
      assertThat(Pem.privateKey(file)).isEqualTo(k.getPrivate());
    }
  }

  @Test
  void readsAPkcs1RsaKeyAsHelmWritesIt() throws Exception {
    KeyPair k = TestCa.rsa(2048);
    StringWriter pem = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(pem)) {
      w.writeObject(k.getPrivate()); // OpenSSL's traditional form: BEGIN RSA PRIVATE KEY
    }
    assertThat(pem.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    Path file = Files.writeString(dir.resolve("pkcs1.key"), pem.toString());
    assertThat(Pem.privateKey(file).getEncoded()).isEqualTo(k.getPrivate().getEncoded());
  }

  @Test
  void findsTheKeyAfterTheCertificatesOfACombinedFile() throws Exception {
    var leaf = TestCa.selfSigned(TestCa.days(-1), TestCa.days(30), "app.test");
    Path certs = TestCa.writePem(dir.resolve("certs.pem"), leaf.cert());
    Path key = leaf.keyPem(dir, "leaf");
    Path combined = Files.writeString(dir.resolve("combined.pem"), Files.readString(certs) + Files.readString(key));
    assertThat(Pem.privateKey(combined)).isEqualTo(leaf.keys().getPrivate());
  }

  @Test
  void saysWhatIsWrongWithAFileWithoutAUsableKey() throws Exception {
    var leaf = TestCa.selfSigned(TestCa.days(-1), TestCa.days(30), "app.test");
    Path certOnly = TestCa.writePem(dir.resolve("only.crt"), leaf.cert());
    assertThatThrownBy(() -> Pem.privateKey(certOnly)).isInstanceOf(GeneralSecurityException.class)
        .hasMessage(certOnly + ": no PEM 'BEGIN PRIVATE KEY' block");
    Path ecLegacy = Files.writeString(dir.resolve("ec.key"),
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.privateKey(ecLegacy)).isInstanceOf(GeneralSecurityException.class)
        .hasMessageContaining("unsupported key block 'EC PRIVATE KEY'");
  }
}
