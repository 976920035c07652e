package io.sockscope.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sockscope.tls.CertificateFile;
import org.junit.jupiter.api.Test;

/** {@code tls.certificateFiles} and the {@code --certificate-file} flag the injector writes. */
class CertificateFileConfigTest {
  @Test
  void theFlagAddsAFileWithItsKeyFromTheFileName() {
    AgentConfig c = ConfigLoader.apply(AgentConfig.defaults(), CommandLine.parse(
        "--certificate-file", "/etc/sockscope/app/etc/tls/tls.crt,secret=app-tls,port=8443,serverName=app.ns.svc",
        "--certificate-file=/etc/sockscope/app/ks/keystore.p12,secret=ks,passwordEnv=KS_PASS"));
    assertThat(c.tls().certificateFiles()).hasSize(2);
    CertificateFileConfig pem = c.tls().certificateFiles().getFirst();
    assertThat(pem.key()).isEqualTo("tls.crt");
    assertThat(pem.port()).isEqualTo(8443);
    assertThat(pem.serverName()).isEqualTo("app.ns.svc");
    assertThat(pem.fileFormat()).isEqualTo(CertificateFile.Format.PEM);
    CertificateFileConfig p12 = c.tls().certificateFiles().get(1);
    assertThat(p12.fileFormat()).isEqualTo(CertificateFile.Format.PKCS12);
    assertThat(p12.port()).isNull();
    assertThat(p12.passwordEnv()).isEqualTo("KS_PASS");
  }

  @Test
  void theFileFormIsTheSameSetting() {
    AgentConfig c = ConfigLoader.parse("""
        tls:
          maxCertificateFiles: 4
          certificateFiles:
            - path: /etc/tls/keystore.jks
              secret: app-jks
              key: server.jks
              port: 9443
              passwordFile: /etc/tls/password
        """, "t");
    assertThat(c.tls().maxCertificateFiles()).isEqualTo(4);
    assertThat(c.tls().certificateFiles().getFirst().key()).isEqualTo("server.jks");
    assertThat(c.tls().certificateFiles().getFirst().fileFormat()).isEqualTo(CertificateFile.Format.JKS);
  }

  @Test
  void everyProblemIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        tls:
          certificateFiles:
            - path: /etc/tls/tls.crt
              port: 70000
              format: der
              passwordFile: /p
              passwordEnv: P
        """, "t"))
        .hasMessageContaining("tls.certificateFiles[0].secret")
        .hasMessageContaining("tls.certificateFiles[0].port")
        .hasMessageContaining("tls.certificateFiles[0].format")
        .hasMessageContaining("tls.certificateFiles[0].passwordEnv");
    assertThatThrownBy(() -> CommandLine.parse("--certificate-file", "/a.crt,secert=x")
        .certificateFiles().forEach(CertificateFileConfig::fromFlag))
        .hasMessageContaining("unknown setting 'secert'");
  }
}
