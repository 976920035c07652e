import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * COUNT TLS listeners on 127.0.0.1:FIRST_PORT.. serving the key pair of a PKCS#12 keystore
 * (password "changeit"); each connection is handshaken and closed. For bench/footprint's TLS
 * targets. Usage: java TlsServers.java KEYSTORE FIRST_PORT COUNT; prints "ready", runs until stdin
 * closes.
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
    for (int i = 0; i < Integer.parseInt(args[2]); i++) {
      SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
      s.bind(new InetSocketAddress("127.0.0.1", first + i), 128);
      Thread.ofVirtual().start(() -> {
        while (true) {
          try {
            Socket c = s.accept();
            Thread.ofVirtual().start(() -> {
              try (c) {
                ((SSLSocket) c).startHandshake();
              } catch (Exception ignored) {
                // the prober's business
              }
            });
          } catch (Exception e) {
            return;
          }
        }
      });
    }
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until stdin closes
    }
  }
}
