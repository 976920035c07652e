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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Mail STARTTLS against real servers: Dovecot (dovecot-imapd, dovecot-pop3d) for IMAP STARTTLS and
 * POP3 STLS, run rootless from a temporary configuration; Exim (exim4-daemon-light) for SMTP
 * STARTTLS, whose daemon must be started by root (it drops to Debian-exim itself). Each with a good
 * certificate, an expired one, and TLS off.
 */
class MailStartTlsTest {
  static final String DOVECOT = "/usr/sbin/dovecot";
  static final String EXIM = "/usr/sbin/exim4";

  record Dovecot(DebianServer server, int imap, int pop3) {}

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Imap {
    final List<DebianServer> servers = new ArrayList<>();
    Dovecot good;
    Dovecot expired;
    Dovecot plain;

    @BeforeAll
    void start() throws Exception {
      DebianServer.require(DOVECOT, "dovecot-imapd dovecot-pop3d");
      Path dir = DebianServer.directory("dovecot");
      good = dovecot(dir, "good", StartTlsCase.GOOD);
      expired = dovecot(dir, "expired", StartTlsCase.EXPIRED);
      plain = dovecot(dir, "plain", null);
    }

    private Dovecot dovecot(Path dir, String name, TestCa.Issued leaf) throws Exception {
      Path home = dir.resolve(name);
      Files.createDirectories(home.resolve("mail"));
      int imap = DebianServer.freePort();
      int pop3 = DebianServer.freePort();
      String user = DebianServer.ROOT ? DebianServer.UNPRIVILEGED : System.getProperty("user.name");
      String ssl = "ssl = no\n";
      if (leaf != null) {
        StartTlsCase.writeCertificate(leaf, home);
        ssl = "ssl = yes\nssl_cert = <" + home.resolve("cert.pem") + "\nssl_key = <" + home.resolve("key.pem") + "\n";
      }
      // Rootless Dovecot (doc.dovecot.org, "Rootless installation"): every service as this user,
      // no chroot; a static passdb/userdb because nobody logs in.
      String conf = "base_dir = " + home.resolve("run") + "\n"
          + "state_dir = " + home.resolve("state") + "\n"
          + "log_path = " + home.resolve("dovecot.log") + "\n"
          + "protocols = imap pop3\nlisten = 127.0.0.1\n"
          + "default_internal_user = " + user + "\ndefault_login_user = " + user + "\n"
          + (DebianServer.ROOT ? "default_internal_group = nogroup\n" : "")
          + ssl
          + "mail_location = maildir:" + home.resolve("mail") + "\n"
          + "passdb {\n driver = static\n args = password=unused\n}\n"
          + "userdb {\n driver = static\n args = uid=" + user + " home=" + home.resolve("mail") + "\n}\n"
          + "service imap-login {\n chroot =\n inet_listener imap {\n port = " + imap + "\n }\n"
          + " inet_listener imaps {\n port = 0\n }\n}\n"
          + "service pop3-login {\n chroot =\n inet_listener pop3 {\n port = " + pop3 + "\n }\n"
          + " inet_listener pop3s {\n port = 0\n }\n}\n"
          + "service anvil {\n chroot =\n}\n";
      Path file = Files.writeString(home.resolve("dovecot.conf"), conf);
      DebianServer s = DebianServer.start(List.of(DOVECOT, "-F", "-c", file.toString()), dir, imap);
      servers.add(s);
      return new Dovecot(s, imap, pop3);
    }

    @AfterAll
    void stop() throws Exception {
      for (DebianServer s : servers) {
        s.close();
      }
    }

    @Test
    void imapGoodCertificate() {
      assertGood(probe(good.imap(), ProbeProtocol.IMAP));
    }

    @Test
    void imapExpiredCertificate() {
      assertExpired(probe(expired.imap(), ProbeProtocol.IMAP));
    }

    @Test
    void imapWithoutTls() {
      assertRefused(probe(plain.imap(), ProbeProtocol.IMAP));
    }

    @Test
    void pop3GoodCertificate() {
      assertGood(probe(good.pop3(), ProbeProtocol.POP3));
    }

    @Test
    void pop3ExpiredCertificate() {
      assertExpired(probe(expired.pop3(), ProbeProtocol.POP3));
    }

    @Test
    void pop3WithoutTls() {
      assertRefused(probe(plain.pop3(), ProbeProtocol.POP3));
    }

    /** An IMAP greeting ({@code * OK}) is not a POP3 one ({@code +OK}). */
    @Test
    void pop3AtAnImapPortIsAProtocolError() {
      assertGarbage(probe(good.imap(), ProbeProtocol.POP3));
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Smtp {
    final List<DebianServer> servers = new ArrayList<>();
    DebianServer good;
    DebianServer expired;
    DebianServer plain;
    Path goodHome;

    @BeforeAll
    void start() throws Exception {
      DebianServer.require(EXIM, "exim4-daemon-light");
      if (!DebianServer.ROOT) {
        org.assertj.core.api.Assertions.assertThat(System.getenv("CI"))
            .as("exim's daemon starts only as root (it drops to Debian-exim)").isNotEqualTo("true");
        Assumptions.abort("exim's daemon starts only as root");
      }
      Path dir = DebianServer.directory("exim");
      good = exim(dir, "good", StartTlsCase.GOOD);
      goodHome = dir.resolve("good");
      expired = exim(dir, "expired", StartTlsCase.EXPIRED);
      plain = exim(dir, "plain", null);
    }

    private DebianServer exim(Path dir, String name, TestCa.Issued leaf) throws Exception {
      Path home = dir.resolve(name);
      Files.createDirectories(home.resolve("spool"));
      Files.createDirectories(home.resolve("log"));
      DebianServer.run(List.of("chown", "-R", "Debian-exim", home.resolve("spool").toString(),
          home.resolve("log").toString()));
      int port = DebianServer.freePort();
      String tls = "tls_advertise_hosts =\n";
      if (leaf != null) {
        StartTlsCase.writeCertificate(leaf, home);
        // the daemon's children read the key as Debian-exim: a test key, readable by all
        Files.setPosixFilePermissions(home.resolve("key.pem"),
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        tls = "tls_advertise_hosts = *\ntls_certificate = " + home.resolve("cert.pem")
            + "\ntls_privatekey = " + home.resolve("key.pem") + "\n";
      }
      String conf = "primary_hostname = mail.test\n"
          + "spool_directory = " + home.resolve("spool") + "\n"
          + "log_file_path = " + home.resolve("log") + "/%slog\n"
          + "pid_file_path = " + home.resolve("exim.pid") + "\n"
          + "daemon_smtp_ports = " + port + "\nlocal_interfaces = 127.0.0.1\n"
          + tls
          + "acl_smtp_rcpt = refuse\nbegin acl\nrefuse:\n  deny\n";
      Path file = Files.writeString(home.resolve("exim.conf"), conf);
      DebianServer s = DebianServer.startAsIs(List.of(EXIM, "-C", file.toString(), "-bdf"), home, port);
      servers.add(s);
      return s;
    }

    @AfterAll
    void stop() throws Exception {
      for (DebianServer s : servers) {
        s.close();
      }
    }

    @Test
    void goodCertificate() {
      assertGood(probe(good.port, ProbeProtocol.SMTP));
    }

    @Test
    void expiredCertificate() {
      assertExpired(probe(expired.port, ProbeProtocol.SMTP));
    }

    /** Exim's own log: a probe ends the TLS session properly (close_notify), not abruptly. */
    @Test
    void probesLeaveNoTlsErrorInEximsLog() throws Exception {
      for (int i = 0; i < 3; i++) {
        assertGood(probe(good.port, ProbeProtocol.SMTP));
      }
      Thread.sleep(500);
      Path log = goodHome.resolve("log/mainlog");
      org.assertj.core.api.Assertions.assertThat(Files.exists(log) ? Files.readString(log) : "")
          .doesNotContain("TLS error");
    }

    @Test
    void serverWithoutTls() {
      assertRefused(probe(plain.port, ProbeProtocol.SMTP));
    }
  }
}
