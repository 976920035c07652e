package io.sockscope.tls;

import static io.sockscope.tls.StartTlsCase.assertExpired;
import static io.sockscope.tls.StartTlsCase.assertGood;
import static io.sockscope.tls.StartTlsCase.assertRefused;
import static io.sockscope.tls.StartTlsCase.probe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's SSLRequest against real servers (Debian's postgresql): one cluster made by initdb,
 * copied three times, started with ssl=on and a good certificate, ssl=on and an expired one, and
 * ssl=off.
 */
class PostgresStartTlsTest {
  static final List<DebianServer> servers = new ArrayList<>();
  static DebianServer good;
  static DebianServer expired;
  static DebianServer plain;

  static Path bin() throws Exception {
    Path base = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(base)) {
      return base.resolve("missing/bin");
    }
    try (Stream<Path> versions = Files.list(base)) {
      return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("postgres")))
          .max(java.util.Comparator.naturalOrder()).orElse(base.resolve("missing/bin"));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path bin = bin();
    DebianServer.require(bin.resolve("postgres").toString(), "postgresql");
    Path dir = DebianServer.directory("postgres");
    DebianServer.runAs(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("template").toString(),
        "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"), dir);
    good = server(bin, dir, "good", StartTlsCase.GOOD);
    expired = server(bin, dir, "expired", StartTlsCase.EXPIRED);
    plain = server(bin, dir, "plain", null);
  }

  private static DebianServer server(Path bin, Path dir, String name, TestCa.Issued leaf) throws Exception {
    Path home = dir.resolve(name);
    Files.createDirectory(home);
    DebianServer.runAs(List.of("cp", "-a", dir.resolve("template").toString(), home.resolve("data").toString()), dir);
    if (leaf != null) {
      StartTlsCase.writeCertificate(leaf, home);
    }
    int port = DebianServer.freePort();
    List<String> cmd = new ArrayList<>(List.of(bin.resolve("postgres").toString(),
        "-D", home.resolve("data").toString(), "-p", String.valueOf(port), "-k", home.toString(),
        "-c", "listen_addresses=127.0.0.1", "-c", "shared_buffers=1MB", "-c", "max_connections=5",
        "-c", "fsync=off", "-c", "ssl=" + (leaf != null ? "on" : "off")));
    if (leaf != null) {
      cmd.addAll(List.of("-c", "ssl_cert_file=" + home.resolve("cert.pem"),
          "-c", "ssl_key_file=" + home.resolve("key.pem")));
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
    assertGood(probe(good.port, ProbeProtocol.POSTGRES));
  }

  /** The server's own log is the ground truth: a probe ends with close_notify, not a reset. */
  @Test
  void probesLeaveNoComplaintInTheServerLog() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertGood(probe(good.port, ProbeProtocol.POSTGRES));
    }
    Thread.sleep(500); // the postmaster's children write their log lines after the close
    org.assertj.core.api.Assertions.assertThat(good.log())
        .doesNotContain("could not receive data from client")
        .doesNotContain("SSL error");
  }

  @Test
  void expiredCertificate() {
    assertExpired(probe(expired.port, ProbeProtocol.POSTGRES));
  }

  @Test
  void serverWithoutTls() {
    assertRefused(probe(plain.port, ProbeProtocol.POSTGRES));
  }

  /** Through the scheduler to the exposition: the starttls stage and reason are labels. */
  @Test
  void aRefusalIsExportedAtTheStarttlsStage() throws Exception {
    try (var registry = new io.sockscope.metrics.MetricsRegistry(io.sockscope.metrics.BuildInfo.load());
        var sched = new ProbeScheduler(StartTlsCase.PROBER::probe, java.time.Duration.ofMinutes(1),
            StartTlsCase.TIMEOUT, 2, java.time.Clock.systemUTC())) {
      io.sockscope.metrics.TlsMetrics.bind(sched, registry);
      ProbeTarget t = ProbeTarget.of("127.0.0.1", plain.port, StartTlsCase.NAME, ProbeSource.STATIC)
          .withProtocol(ProbeProtocol.POSTGRES);
      sched.setTargets(ProbeSource.STATIC, List.of(t));
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
          .until(() -> sched.states().containsKey(t.id()));
      String text = new String(registry.scrape("text/plain").body(), java.nio.charset.StandardCharsets.UTF_8);
      org.assertj.core.api.Assertions.assertThat(text)
          .contains("sockscope_tls_probe_failures_total{reason=\"starttls_refused\",stage=\"starttls\",target=\""
              + t.id() + "\"} 1.0")
          .contains("sockscope_tls_probe_success{source=\"static\",target=\"" + t.id() + "\"} 0.0");
    }
  }

  /** {@code /probe?protocol=postgres}: the port is not 5432, so only the parameter says it. */
  @Test
  void adhocProbesTakeTheProtocolParameter() {
    var adhoc = new AdhocProbe(true, StartTlsCase.PROBER, List.of(),
        AllowList.parse(List.of("127.0.0.0/8")), StartTlsCase.TIMEOUT, h -> null);
    String target = "127.0.0.1:" + good.port;
    var byPort = adhoc.probe(target, StartTlsCase.NAME, null, null);
    org.assertj.core.api.Assertions.assertThat(byPort.result().failureStage())
        .isEqualTo(FailureStage.HANDSHAKE);
    var asked = adhoc.probe(target, StartTlsCase.NAME, "postgresql", null);
    assertGood(asked.result());
    org.assertj.core.api.Assertions.assertThat(asked.result().target().source())
        .isEqualTo(ProbeSource.ADHOC);
    var unknown = adhoc.probe(target, StartTlsCase.NAME, "ftp", null);
    org.assertj.core.api.Assertions.assertThat(unknown.status()).isEqualTo(400);
    org.assertj.core.api.Assertions.assertThat(unknown.message()).startsWith("protocol must be one of tls");
  }

  @Test
  void thePortAloneChoosesPostgresOn5432() {
    org.assertj.core.api.Assertions.assertThat(ProbeTarget.parse("db:5432", ProbeSource.STATIC).protocol())
        .isEqualTo(ProbeProtocol.POSTGRES);
  }

  /** Plain TLS at a PostgreSQL port: the server reads a ClientHello as a startup packet and closes. */
  @Test
  void plainTlsAtAPostgresPortFailsTheHandshake() {
    ProbeResult r = probe(good.port, ProbeProtocol.TLS);
    org.assertj.core.api.Assertions.assertThat(r.failureStage()).isEqualTo(FailureStage.HANDSHAKE);
  }

  /** SMTP at a PostgreSQL port: PostgreSQL never speaks first, so it is the deadline. */
  @Test
  void smtpAtAPostgresPortTimesOutAtTheStarttlsStage() {
    ProbeTarget t = ProbeTarget.of("127.0.0.1", good.port, StartTlsCase.NAME, ProbeSource.STATIC)
        .withProtocol(ProbeProtocol.SMTP);
    ProbeResult r = StartTlsCase.PROBER.probe(t, java.time.Duration.ofMillis(700));
    org.assertj.core.api.Assertions.assertThat(r.failureStage()).isEqualTo(FailureStage.STARTTLS);
    org.assertj.core.api.Assertions.assertThat(r.failureReason()).isEqualTo(FailureReason.TIMEOUT);
  }
}
