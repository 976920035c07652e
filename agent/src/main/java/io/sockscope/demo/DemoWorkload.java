package io.sockscope.demo;

import io.sockscope.tls.CertificateFacts;
import io.sockscope.tls.SecretFingerprints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * {@code sockscope demo}: a workload in the agent's own process so that a laptop shows every
 * panel and several alerts with data. On 127.0.0.1:
 *
 * <ul>
 *   <li>a backend whose client closes first, 5 times a second: a new connection per request to
 *       one destination (the churn panels), TIME_WAIT piles up on the client side (~300 at any
 *       time, 60 s each) and every close is a local one on the client, a peer one on the server;
 *   <li>the same backend once a second with a client that aborts (SO_LINGER 0: a RST instead of a
 *       FIN): closes ended by a reset, on both sides;
 *   <li>a server that closes first after 12 s: peer closes on the client, local ones on the server;
 *   <li>a server that never closes what its clients closed: CLOSE_WAIT grows (the classic leak);
 *   <li>three HTTPS endpoints with certificates of known dates from a demo CA: one 6-day
 *       certificate with 1 day left, one expired an hour ago, one for the wrong host name.
 * </ul>
 */
public final class DemoWorkload implements AutoCloseable {
  /** A TLS endpoint of the demo: its address and the name to verify. */
  public record Endpoint(String name, String address, String serverName) {}

  /**
   * A certificate file as a pod would mount it with {@code subPath}: the short-lived endpoint's
   * certificate, which it serves, while the published Secret {@link #SECRET} already holds a
   * renewed one (three-way parity says {@code differs="secret"}).
   *
   * @param published the Secret leaf table, as the namespace prober publishes it
   */
  public record CertificateFile(Path file, Path published, String secret, String key, int port,
      String serverName) {}

  static final String SECRET = "demo-tls";

  private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
  private final List<Endpoint> endpoints = new ArrayList<>();
  private final Path caFile;
  private CertificateFile certificateFile;
  private volatile boolean running = true;

  private DemoWorkload(Path caFile) {
    this.caFile = caFile;
  }

  public static DemoWorkload start(Path workDir) throws IOException, GeneralSecurityException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    var ca = DemoCertificates.ca("sockscope demo CA", now.minus(30, ChronoUnit.DAYS), now.plus(365, ChronoUnit.DAYS));
    Path caFile = workDir.resolve("sockscope-demo-ca.pem");
    Files.writeString(caFile, ca.pem());
    DemoWorkload w = new DemoWorkload(caFile);
    InetAddress lo = InetAddress.getByName("127.0.0.1");
    List<InetAddress> ips = List.of(lo);
    var shortLived = DemoCertificates.leaf(ca, "localhost", List.of("localhost"), ips,
        now.minus(5, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS));
    w.https("short-lived", shortLived);
    w.certificateFile = staleFile(workDir, ca, shortLived, w.endpoints.getLast(), now);
    w.https("expired", DemoCertificates.leaf(ca, "localhost", List.of("localhost"), ips,
        now.minus(10, ChronoUnit.DAYS), now.minus(1, ChronoUnit.HOURS)));
    w.https("wrong-host", DemoCertificates.leaf(ca, "other.example", List.of("other.example"), List.of(),
        now.minus(1, ChronoUnit.DAYS), now.plus(60, ChronoUnit.DAYS)));
    int backend = w.server(s -> { write(s, "ok\n"); drain(s); s.close(); });
    int closer = w.server(s -> { write(s, "bye in 12 s\n"); sleep(Duration.ofSeconds(12)); s.close(); });
    int leaky = w.server(s -> { /* never closes: CLOSE_WAIT once the client has closed */ });
    // The whole reply is read before close(): closing with unread bytes makes Linux send a RST
    // instead of a FIN (RFC 2525 §2.17), and these are meant to be graceful local closes.
    w.loop(Duration.ofMillis(200), () -> {
      try (Socket c = new Socket(lo, backend)) {
        c.getInputStream().readNBytes(3);
      }
    });
    w.loop(Duration.ofSeconds(1), () -> {
      try (Socket c = new Socket(lo, backend)) {
        c.getInputStream().readNBytes(3);
        c.setSoLinger(true, 0); // close() sends a RST and skips TIME_WAIT
      }
    });
    w.loop(Duration.ofSeconds(2), () -> Thread.ofVirtual().start(() -> {
      try (Socket c = new Socket(lo, closer)) {
        drain(c); // the server's FIN: a peer close
      } catch (IOException ignored) {
        // the demo goes on
      }
    }));
    int[] leaked = {0};
    w.loop(Duration.ofSeconds(5), () -> {
      if (leaked[0]++ < 60) {
        new Socket(lo, leaky).close();
      }
    });
    return w;
  }

  /** A stale subPath-style file beside its renewed Secret, served by the short-lived endpoint. */
  private static CertificateFile staleFile(Path dir, DemoCertificates.Issued ca,
      DemoCertificates.Issued served, Endpoint endpoint, Instant now)
      throws IOException, GeneralSecurityException {
    Path file = Files.writeString(dir.resolve("short-lived-tls.crt"), served.pem());
    var renewed = DemoCertificates.leaf(ca, "localhost", List.of("localhost"), List.of(),
        now.minus(1, ChronoUnit.HOURS), now.plus(6, ChronoUnit.DAYS));
    var table = SecretFingerprints.of(List.of(new SecretFingerprints.Leaf(SECRET, "tls.crt",
        CertificateFacts.sha256(renewed.certificate()),
        renewed.certificate().getNotAfter().toInstant())));
    Path published = Files.writeString(dir.resolve(SecretFingerprints.KEY),
        table.format(Integer.MAX_VALUE).text());
    int port = Integer.parseInt(endpoint.address().substring(endpoint.address().lastIndexOf(':') + 1));
    return new CertificateFile(file, published, SECRET, "tls.crt", port, endpoint.serverName());
  }

  public CertificateFile certificateFile() {
    return certificateFile;
  }

  public List<Endpoint> endpoints() {
    return List.copyOf(endpoints);
  }

  /** The demo CA's PEM file: a trust anchor for the probes. */
  public Path caFile() {
    return caFile;
  }

  interface Handler {
    void handle(Socket s) throws IOException;
  }

  interface Step {
    void run() throws IOException;
  }

  private void https(String name, DemoCertificates.Issued leaf) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "demo".toCharArray();
    ks.setKeyEntry("leaf", leaf.key(), pw, new java.security.cert.Certificate[] {leaf.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket ss = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    accept(ss, s -> {
      try (s) {
        s.getInputStream().read(); // the handshake happens on first I/O; probes close after it
        write(s, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n");
      }
    });
    endpoints.add(new Endpoint(name, "127.0.0.1:" + ss.getLocalPort(), "localhost"));
  }

  private int server(Handler h) throws IOException {
    ServerSocket ss = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
    accept(ss, h);
    return ss.getLocalPort();
  }

  private void accept(ServerSocket ss, Handler h) {
    resources.add(ss);
    Thread.ofVirtual().name("demo-accept").start(() -> {
      while (running) {
        try {
          Socket s = ss.accept();
          Thread.ofVirtual().start(() -> {
            try {
              h.handle(s);
            } catch (IOException ignored) {
              // a client went away: the demo goes on
            }
          });
        } catch (IOException e) {
          return; // closed
        }
      }
    });
  }

  private void loop(Duration every, Step step) {
    Thread.ofVirtual().name("demo-loop").start(() -> {
      while (running) {
        try {
          step.run();
        } catch (IOException ignored) {
          // the demo goes on
        }
        sleep(every);
      }
    });
  }

  private static void write(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void drain(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[256];
    while (in.read(buf) >= 0) {
      // until EOF
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception ignored) {
        // stopping anyway
      }
    }
  }
}
