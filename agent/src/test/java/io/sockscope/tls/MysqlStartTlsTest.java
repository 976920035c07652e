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
 * MySQL protocol's SSLRequest against real MariaDB servers (Debian's mariadb-server), each from an
 * empty data directory (no grant tables needed: the probe never authenticates): a good
 * certificate, an expired one, and a server started with {@code --skip-ssl}.
 */
class MysqlStartTlsTest {
  static final String MARIADBD = "/usr/sbin/mariadbd";
  static final List<DebianServer> servers = new ArrayList<>();
  static DebianServer good;
  static DebianServer expired;
  static DebianServer plain;

  @BeforeAll
  static void start() throws Exception {
    DebianServer.require(MARIADBD, "mariadb-server");
    Path dir = DebianServer.directory("mariadb");
    good = server(dir, "good", StartTlsCase.GOOD);
    expired = server(dir, "expired", StartTlsCase.EXPIRED);
    plain = server(dir, "plain", null);
  }

  private static DebianServer server(Path dir, String name, TestCa.Issued leaf) throws Exception {
    Path home = dir.resolve(name);
    Files.createDirectories(home.resolve("data"));
    int port = DebianServer.freePort();
    List<String> cmd = new ArrayList<>(List.of(MARIADBD, "--no-defaults",
        "--datadir=" + home.resolve("data"), "--port=" + port, "--bind-address=127.0.0.1",
        "--socket=" + home.resolve("sock"), "--pid-file=" + home.resolve("pid"),
        "--skip-grant-tables", "--skip-log-bin", "--innodb-buffer-pool-size=8M",
        "--innodb-log-file-size=4M", "--skip-name-resolve"));
    if (leaf != null) {
      StartTlsCase.writeCertificate(leaf, home);
      cmd.addAll(List.of("--ssl-cert=" + home.resolve("cert.pem"), "--ssl-key=" + home.resolve("key.pem")));
    } else {
      cmd.add("--skip-ssl");
    }
    DebianServer s = DebianServer.start(cmd, dir, port);
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
    assertGood(probe(good.port, ProbeProtocol.MYSQL));
  }

  @Test
  void expiredCertificate() {
    assertExpired(probe(expired.port, ProbeProtocol.MYSQL));
  }

  @Test
  void serverWithoutTls() {
    assertRefused(probe(plain.port, ProbeProtocol.MYSQL));
  }

  /** PostgreSQL's SSLRequest at a MySQL port: the answer's first byte is a greeting's length. */
  @Test
  void postgresAtAMysqlPortIsAProtocolError() {
    assertGarbage(probe(good.port, ProbeProtocol.POSTGRES));
  }
}
