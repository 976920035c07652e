package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real TLS server on 127.0.0.1:0 serving {@code chain}; or, with {@link #tarpit()}, a TCP server
 * that accepts and never answers.
 */
final class TestTlsServer implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private final java.util.concurrent.atomic.AtomicInteger accepted =
      new java.util.concurrent.atomic.AtomicInteger();

  private TestTlsServer(ServerSocket server, Duration delay, boolean tls) {
    this.server = server;
    this.acceptor = Thread.ofVirtual().start(() -> accept(delay, tls));
  }

  static Builder serving(TestCa.Issued leaf) {
    return new Builder(leaf);
  }

  /** Accepts TCP connections and never says a word (the kernel completes the connect). */
  static TestTlsServer tarpit() throws IOException {
    return new TestTlsServer(
        new ServerSocket(0, 200, InetAddress.getLoopbackAddress()), Duration.ZERO, false);
  }

  /** A loopback port nothing listens on. */
  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static final class Builder {
    private final TestCa.Issued leaf;
    private List<X509Certificate> chain;
    private String[] protocols;
    private boolean needClientAuth;
    private Duration delay = Duration.ZERO;
    private X509Certificate clientCa;
    private String[] namedGroups;

    Builder(TestCa.Issued leaf) {
      this.leaf = leaf;
      this.chain = leaf.chain();
    }

    Builder chain(List<X509Certificate> c) {
      chain = c;
      return this;
    }

    Builder protocols(String... p) {
      protocols = p;
      return this;
    }

    Builder needClientAuth(X509Certificate trustedClientCa) {
      needClientAuth = true;
      clientCa = trustedClientCa;
      return this;
    }

    /** Only these named groups (JSSE names, e.g. "secp256r1"), as a server without x25519. */
    Builder namedGroups(String... g) {
      namedGroups = g;
      return this;
    }

    /** Sleeps this long after accept before reading the ClientHello. */
    Builder delay(Duration d) {
      delay = d;
      return this;
    }

    TestTlsServer start() throws Exception {
      return startOn(0);
    }

    /**
     * Binds {@code port}, retrying for up to 3 s: a port just given up by a closed server can
     * still be held for a moment by the connection its acceptor took while it closed ("Address
     * already in use" in a CI run on a loaded machine), and a restarted application retries too.
     */
    private static SSLServerSocket bind(SSLContext ctx, int port) throws Exception {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
      while (true) {
        try {
          return (SSLServerSocket) ctx.getServerSocketFactory()
              .createServerSocket(port, 50, InetAddress.getLoopbackAddress());
        } catch (java.net.BindException e) {
          if (port == 0 || System.nanoTime() > deadline) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
    }

    /** On {@code port} (0: any), as a restarted application takes its port again. */
    TestTlsServer startOn(int port) throws Exception {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry(
          "k", leaf.keys().getPrivate(), new char[0], chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(ks, new char[0]);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      KeyStore ts = KeyStore.getInstance("PKCS12");
      ts.load(null, null);
      if (clientCa != null) {
        ts.setCertificateEntry("ca", clientCa);
      }
      tmf.init(ts);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      SSLServerSocket s = bind(ctx, port);
      if (protocols != null) {
        s.setEnabledProtocols(protocols);
      }
      s.setNeedClientAuth(needClientAuth);
      if (namedGroups != null) {
        var params = s.getSSLParameters();
        params.setNamedGroups(namedGroups);
        s.setSSLParameters(params);
      }
      return new TestTlsServer(s, delay, true);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** TCP connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  private void accept(Duration delay, boolean tls) {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        s.setTcpNoDelay(
            true); // as nginx, Go and Envoy do: no Nagle stall inside the handshake flight
        open.add(s);
        accepted.incrementAndGet();
        if (tls) {
          Thread.ofVirtual().start(() -> serve((SSLSocket) s, delay));
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(SSLSocket s, Duration delay) {
    try (s;
        InputStream in = s.getInputStream()) {
      if (!delay.isZero()) {
        Thread.sleep(delay);
      }
      s.startHandshake();
      while (in.read() >= 0) {
        // hold the connection until the client closes it
      }
    } catch (IOException | InterruptedException e) {
      // the client went away or failed the handshake: nothing to serve
    } finally {
      open.remove(s);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    acceptor.interrupt();
  }
}
