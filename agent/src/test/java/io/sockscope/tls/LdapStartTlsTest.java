package io.sockscope.tls;

import static io.sockscope.tls.StartTlsCase.assertExpired;
import static io.sockscope.tls.StartTlsCase.assertGarbage;
import static io.sockscope.tls.StartTlsCase.assertGood;
import static io.sockscope.tls.StartTlsCase.assertRefused;
import static io.sockscope.tls.StartTlsCase.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LDAP StartTLS (the extended operation) against real OpenLDAP servers (Debian's slapd) from a
 * temporary slapd.conf without any database (StartTLS needs none): a good certificate, an expired
 * one, and no TLS configured.
 */
class LdapStartTlsTest {
  static final String SLAPD = "/usr/sbin/slapd";
  static final List<DebianServer> servers = new ArrayList<>();
  static DebianServer good;
  static DebianServer expired;
  static DebianServer plain;

  @BeforeAll
  static void start() throws Exception {
    DebianServer.require(SLAPD, "slapd");
    Path dir = DebianServer.directory("slapd");
    good = server(dir, "good", StartTlsCase.GOOD);
    expired = server(dir, "expired", StartTlsCase.EXPIRED);
    plain = server(dir, "plain", null);
  }

  private static DebianServer server(Path dir, String name, TestCa.Issued leaf) throws Exception {
    Path home = dir.resolve(name);
    Files.createDirectories(home);
    String conf = "pidfile " + home.resolve("slapd.pid") + "\n";
    if (leaf != null) {
      StartTlsCase.writeCertificate(leaf, home);
      conf += "TLSCertificateFile " + home.resolve("cert.pem") + "\n"
          + "TLSCertificateKeyFile " + home.resolve("key.pem") + "\n";
    }
    Path file = Files.writeString(home.resolve("slapd.conf"), conf);
    int port = DebianServer.freePort();
    // -d 0: stay in the foreground (the test owns the process), log nothing
    DebianServer s = DebianServer.start(List.of(SLAPD, "-f", file.toString(),
        "-h", "ldap://127.0.0.1:" + port + "/", "-d", "0"), dir, port);
    servers.add(s);
    return s;
  }

  @AfterAll
  static void stop() throws Exception {
    for (DebianServer s : servers) {
      s.close();
    }
  }

  @Test
  void goodCertificate() {
    assertGood(probe(good.port, ProbeProtocol.LDAP));
  }

  @Test
  void expiredCertificate() {
    assertExpired(probe(expired.port, ProbeProtocol.LDAP));
  }

  @Test
  void serverWithoutTls() {
    assertRefused(probe(plain.port, ProbeProtocol.LDAP));
  }

  /** LDAP speaks only when spoken to: a POP3 probe waits for a greeting that never comes. */
  @Test
  void postgresRequestAtAnLdapPortIsAProtocolErrorOrClose() {
    ProbeResult r = probe(good.port, ProbeProtocol.POSTGRES);
    // slapd answers an undecodable PDU by closing the connection (no bytes): reset, not a hang
    org.assertj.core.api.Assertions.assertThat(r.failureStage()).isEqualTo(FailureStage.STARTTLS);
    org.assertj.core.api.Assertions.assertThat(r.failureReason()).as(r.detail())
        .isIn(FailureReason.RESET, FailureReason.PROTOCOL_ERROR);
  }
}
