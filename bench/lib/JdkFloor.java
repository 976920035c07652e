import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The JVM's floor for bench/footprint: the JDK's own HTTP server answering every path with
 * /proc/net/sockstat, on virtual threads, started through bin/sockscope with the same flags.
 * What a sidecar costs before any library (Javalin, Jetty, Jackson, Micrometer) is loaded.
 *
 * <p>Usage: JdkFloor [--role ROLE] [CA_PEM HOST:PORT,SNI...]. With targets it also runs what any
 * Java TLS prober must: a JSSE handshake with each target once a minute (spread over the minute,
 * a new SSLContext each, one x25519 key share, the served leaf compared with CA_PEM), and nothing
 * else: no verification beyond that, no metrics. The JDK's price of probing TLS, before any
 * sockscope code.
 */
public class JdkFloor {
  public static void main(String[] args) throws Exception {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 9102), 0);
    s.createContext("/", x -> {
      byte[] b = Files.readAllBytes(Path.of("/proc/net/sockstat"));
      x.sendResponseHeaders(200, b.length);
      x.getResponseBody().write(b);
      x.close();
    });
    s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    s.start();
    // "--role sidecar" first: bin/sockscope then starts this with the sidecar's flags
    List<String> rest = List.of(args);
    if (rest.size() >= 2 && rest.get(0).equals("--role")) {
      rest = rest.subList(2, rest.size());
    }
    if (rest.size() > 1) {
      probeEveryMinute(Path.of(rest.get(0)), rest.subList(1, rest.size()));
    }
  }

  private static void probeEveryMinute(Path ca, List<String> targets) throws Exception {
    X509Certificate expected;
    try (InputStream in = Files.newInputStream(ca)) {
      expected = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    var timer = Executors.newSingleThreadScheduledExecutor();
    long spread = 60_000 / targets.size();
    for (int i = 0; i < targets.size(); i++) {
      String target = targets.get(i);
      timer.scheduleAtFixedRate(
          () -> probe(target, expected), i * spread, 60_000, TimeUnit.MILLISECONDS);
    }
  }

  private static void probe(String target, X509Certificate expected) {
    // Split by hand, not io.sockscope.tls.ProbeTarget: the floor loads no sockscope class.
    String[] hostPortSni = target.split("[:,]");
    X509Certificate[] served = new X509Certificate[1];
    TrustManager recorder = new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String auth) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String auth) {
        served[0] = chain[0];
      }
      @Override public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    try (Socket raw = new Socket(hostPortSni[0], Integer.parseInt(hostPortSni[1]))) {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {recorder}, null);
      try (SSLSocket ssl = (SSLSocket) ctx.getSocketFactory()
          .createSocket(raw, hostPortSni[2], raw.getPort(), false)) {
        var params = ssl.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(hostPortSni[2])));
        params.setNamedGroups(new String[] {"x25519", "x448"});
        ssl.setSSLParameters(params);
        ssl.startHandshake();
      }
      if (!expected.equals(served[0])) {
        System.err.println(target + ": unexpected certificate");
      }
    } catch (Exception e) {
      System.err.println(target + ": " + e);
    }
  }
}
