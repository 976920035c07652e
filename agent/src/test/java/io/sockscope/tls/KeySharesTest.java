package io.sockscope.tls;

import static io.sockscope.tls.TestCa.days;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One key share (x25519) in the ClientHello, read off the wire, and the fall-back to the JDK's full
 * group list for servers without x25519 (a JSSE server and OpenSSL's s_server restricted to P-256)
 * and for TLS 1.2 servers: every one of them still handshakes and verifies.
 */
class KeySharesTest {
  static final int X25519 = 0x001d;
  static final int SECP256R1 = 0x0017;
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  static TestCa.Issued root;
  static TestCa.Issued leaf;
  static Path rootPem;
  static TlsProber prober;

  @BeforeAll
  static void ca(@TempDir Path dir) throws Exception {
    root = TestCa.root("Key Share Root");
    leaf = TestCa.leaf(root, days(-1), days(30), "app.test");
    rootPem = root.pem(dir, "root");
    prober = new TlsProber(TrustAnchors.load(List.of(rootPem), null), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    prober.close();
  }

  static ProbeResult probe(int port) {
    return prober.probe(ProbeTarget.of("127.0.0.1", port, "app.test", ProbeSource.STATIC), TIMEOUT);
  }

  /** The groups of the key_share and supported_groups extensions of one ClientHello. */
  record Hello(List<Integer> keyShares, List<Integer> supportedGroups) {}

  @Test
  void theClientHelloCarriesOnlyAnX25519ShareUntilTheServerFailsIt() throws Exception {
    List<Hello> hellos = new CopyOnWriteArrayList<>();
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread reader = Thread.ofVirtual().start(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            hellos.add(clientHello(new DataInputStream(s.getInputStream())));
            // closed without a word: a failure before any certificate
          } catch (IOException | RuntimeException | AssertionError e) {
            if (!server.isClosed()) {
              e.printStackTrace();
            }
            return;
          }
        }
      });
      ProbeResult first = probe(server.getLocalPort());
      assertThat(first.success()).isFalse();
      assertThat(first.failureStage()).isEqualTo(FailureStage.HANDSHAKE);
      ProbeResult second = probe(server.getLocalPort());
      assertThat(second.success()).isFalse();
      server.close();
      reader.join();
    }
    // Probe 1: one share, then at once the JDK's list; probe 2: the JDK's list, remembered.
    assertThat(hellos).hasSize(3);
    assertThat(hellos.get(0).keyShares()).containsExactly(X25519);
    assertThat(hellos.get(0).supportedGroups()).startsWith(X25519).doesNotContain(SECP256R1);
    for (Hello h : hellos.subList(1, 3)) {
      assertThat(h.keyShares()).containsExactly(X25519, SECP256R1);
      assertThat(h.supportedGroups()).contains(X25519, SECP256R1);
    }
  }

  @Test
  void aServerWithX25519HandshakesWithOneConnection() throws Exception {
    try (var s = TestTlsServer.serving(leaf).start()) {
      for (int i = 1; i <= 2; i++) {
        ProbeResult r = probe(s.port());
        assertThat(r.success()).as(String.valueOf(r)).isTrue();
        assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
        assertThat(s.accepted()).isEqualTo(i);
      }
    }
  }

  @Test
  void aJsseServerWithP256OnlyHandshakesAndIsAskedWithEveryGroupFromThenOn() throws Exception {
    try (var s = TestTlsServer.serving(leaf).namedGroups("secp256r1").start()) {
      assertThatThrownBy(() -> handshake(s.port(), "x25519", "x448"))
          .as("the server really refuses x25519").isInstanceOf(SSLException.class);
      int before = s.accepted();
      ProbeResult r = probe(s.port());
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
      assertThat(r.verifyReasons()).isEmpty();
      assertThat(s.accepted() - before).as("one share refused, then every group").isEqualTo(2);
      ProbeResult again = probe(s.port());
      assertThat(again.success()).isTrue();
      assertThat(s.accepted() - before).as("remembered: one connection").isEqualTo(3);
    }
  }

  @Test
  void openSslRestrictedToP256Handshakes(@TempDir Path dir) throws Exception {
    DebianServer.require("/usr/bin/openssl", "openssl");
    int port = DebianServer.freePort();
    Path cert = leaf.pem(dir, "leaf");
    Path key = leaf.keyPem(dir, "leaf");
    try (var server = DebianServer.startAsIs(List.of("/usr/bin/openssl", "s_server", "-quiet",
        "-accept", "127.0.0.1:" + port, "-cert", cert.toString(), "-key", key.toString(),
        "-groups", "P-256", "-tls1_3"), dir, port)) {
      assertThatThrownBy(() -> handshake(port, "x25519", "x448"))
          .as("s_server really refuses x25519").isInstanceOf(SSLException.class);
      for (int i = 0; i < 2; i++) {
        ProbeResult r = probe(port);
        assertThat(r.success()).as(r + "\n" + server.log()).isTrue();
        assertThat(r.tlsVersion()).isEqualTo("TLSv1.3");
        assertThat(r.leaf().orElseThrow().fingerprintSha256())
            .isEqualTo(CertificateFacts.sha256(leaf.cert()));
      }
    }
  }

  /** TLS 1.2: the groups offered choose the cipher suite, so the server sees the JDK's list. */
  @Test
  void aTls12ServerNegotiatesWhatTheJdksListWouldAndIsRemembered() throws Exception {
    try (var s = TestTlsServer.serving(leaf).protocols("TLSv1.2").start()) {
      String expected = handshake(s.port(), (String[]) null);
      int before = s.accepted();
      ProbeResult r = probe(s.port());
      assertThat(r.success()).as(String.valueOf(r)).isTrue();
      assertThat(r.tlsVersion()).isEqualTo("TLSv1.2");
      assertThat(r.cipher()).isEqualTo(expected);
      assertThat(s.accepted() - before).isEqualTo(2);
      assertThat(probe(s.port()).cipher()).isEqualTo(expected);
      assertThat(s.accepted() - before).isEqualTo(3);
    }
  }

  /** A plain JSSE client handshake offering {@code groups} (null: the JDK's); its cipher suite. */
  static String handshake(int port, String... groups) throws Exception {
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("root", root.cert());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      if (groups != null) {
        var p = s.getSSLParameters();
        p.setNamedGroups(groups);
        s.setSSLParameters(p);
      }
      s.startHandshake();
      return s.getSession().getCipherSuite();
    }
  }

  /** Reads one ClientHello record (RFC 8446 §4.1.2) and its two group lists. */
  static Hello clientHello(DataInputStream in) throws IOException {
    byte[] header = new byte[5];
    in.readFully(header);
    assertThat(header[0]).as("a handshake record").isEqualTo((byte) 22);
    byte[] body = new byte[((header[3] & 0xff) << 8) | (header[4] & 0xff)];
    in.readFully(body);
    ByteBuffer b = ByteBuffer.wrap(body);
    assertThat(b.get()).as("ClientHello").isEqualTo((byte) 1);
    b.position(b.position() + 3 + 2 + 32); // length, legacy_version, random
    skip(b, b.get() & 0xff); // legacy_session_id
    skip(b, b.getShort() & 0xffff); // cipher_suites
    skip(b, b.get() & 0xff); // legacy_compression_methods
    int extensions = b.getShort() & 0xffff;
    int end = b.position() + extensions;
    List<Integer> shares = new ArrayList<>();
    List<Integer> groups = new ArrayList<>();
    while (b.position() < end) {
      int type = b.getShort() & 0xffff;
      int len = b.getShort() & 0xffff;
      int next = b.position() + len;
      if (type == 51) { // key_share: client_shares<0..2^16-1> of (group, key_exchange)
        int listLen = b.getShort() & 0xffff;
        int listEnd = b.position() + listLen;
        while (b.position() < listEnd) {
          shares.add(b.getShort() & 0xffff);
          skip(b, b.getShort() & 0xffff);
        }
      } else if (type == 10) { // supported_groups
        int listLen = b.getShort() & 0xffff;
        int listEnd = b.position() + listLen;
        while (b.position() < listEnd) {
          groups.add(b.getShort() & 0xffff);
        }
      }
      b.position(next);
    }
    return new Hello(shares, groups);
  }

  private static void skip(ByteBuffer b, int n) {
    b.position(b.position() + n);
  }
}
