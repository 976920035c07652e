import java.io.FileInputStream;
import java.net.InetSocketAddress;
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

/**
 * Benchmark fixture (not part of the agent): COUNT TLS listeners on 127.0.0.1 serving the key pair
 * of a PKCS#12 keystore (password "changeit"), for bench/footprint's and bench/tls-cycle's targets.
 * Every connection gets a full handshake, then is held until the prober closes it.
 *
 * <p>Usage: java TlsServers.java KEYSTORE FIRST_PORT COUNT [PORTS_FILE]. FIRST_PORT 0 takes any
 * free ports; PORTS_FILE receives the list. Prints "ready", runs until stdin closes.
 */
public class TlsServers {
  public static void main(String[] args) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (var in = new FileInputStream(args[0])) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    int first = Integer.parseInt(args[1]);
    List<String> ports = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(args[2]); i++) {
      SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
      s.bind(new InetSocketAddress("127.0.0.1", first == 0 ? 0 : first + i), 128);
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
    if (args.length > 3) {
      Files.write(Path.of(args[3]), ports);
    }
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until stdin closes
    }
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
