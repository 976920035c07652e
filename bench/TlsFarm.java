// Benchmark fixture (not part of the agent): one JVM serving N loopback TLS endpoints.
// Usage: java TlsFarm.java KEYSTORE.p12 N PORTS_FILE
// Each port: an SSLServerSocket on 127.0.0.1; every connection gets a full handshake, then EOF.
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

public class TlsFarm {
  public static void main(String[] args) throws Exception {
    char[] pw = "changeit".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = new FileInputStream(args[0])) {
      ks.load(in, pw);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    int n = Integer.parseInt(args[1]);
    List<String> ports = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory()
          .createServerSocket(0, 128, InetAddress.getLoopbackAddress());
      ports.add(String.valueOf(s.getLocalPort()));
      Thread.ofVirtual().start(() -> {
        while (true) {
          try {
            Socket c = s.accept();
            c.setTcpNoDelay(true); // as nginx, Go and Envoy servers do
            Thread.ofVirtual().start(() -> serve((SSLSocket) c));
          } catch (Exception e) {
            return;
          }
        }
      });
    }
    Files.write(Path.of(args[2]), ports);
    System.out.println("serving " + n + " TLS ports");
    Thread.sleep(Long.MAX_VALUE);
  }

  static void serve(SSLSocket c) {
    try (c) {
      c.setSoTimeout(10_000);
      c.startHandshake();
      c.getInputStream().read(); // until the prober closes
    } catch (Exception e) {
      // probers close right after the handshake
    }
  }
}
