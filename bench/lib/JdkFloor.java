import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The JVM's floor for bench/footprint: the JDK's own HTTP server answering every path with
 * /proc/net/sockstat, on virtual threads, started through bin/sockscope with the same flags.
 * What a sidecar costs before any library (Javalin, Jetty, Jackson, Micrometer) is loaded.
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
  }
}
