package io.sockscope.kubernetes;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ssl.SSLSocket;

/** A real TLS server on loopback; the certificate it presents can be swapped between handshakes. */
final class TestTlsServer implements AutoCloseable {
  private final ServerSocket listener;
  private final Thread acceptor;
  private volatile TestCertificates serving;

  TestTlsServer(TestCertificates serving) throws IOException {
    this(serving, InetAddress.getLoopbackAddress(), 0);
  }

  /** Listens on {@code address:port} (port 0: any free one), e.g. 127.0.0.2 for a second pod. */
  TestTlsServer(TestCertificates serving, InetAddress address, int port) throws IOException {
    this.serving = serving;
    this.listener = new ServerSocket(port, 50, address);
    this.acceptor = Thread.ofVirtual().start(this::acceptLoop);
  }

  /**
   * One server per certificate on 127.0.0.1, .2, .3, ..., all on the same port, as the endpoints
   * of one EndpointSlice are (Linux routes all of 127/8 to the loopback interface).
   */
  static java.util.List<TestTlsServer> replicas(TestCertificates... serving) throws IOException {
    for (int attempt = 0; ; attempt++) {
      int port;
      try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
        port = probe.getLocalPort();
      }
      java.util.List<TestTlsServer> servers = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < serving.length; i++) {
          servers.add(new TestTlsServer(serving[i], InetAddress.getByName("127.0.0." + (i + 1)), port));
        }
        return servers;
      } catch (IOException e) {
        for (TestTlsServer s : servers) {
          s.close();
        }
        if (attempt == 5) {
          throw e; // the port was taken on another address each time
        }
      }
    }
  }

  void serve(TestCertificates certificate) {
    this.serving = certificate;
  }

  int port() {
    return listener.getLocalPort();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket plain = listener.accept();
        Thread.ofVirtual().start(() -> handshake(plain));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void handshake(Socket plain) {
    try (SSLSocket tls = (SSLSocket) serving.serverContext().getSocketFactory()
        .createSocket(plain, null, plain.getPort(), true)) {
      tls.setUseClientMode(false);
      tls.startHandshake();
      tls.getInputStream().read(); // until the client closes
    } catch (Exception e) {
      // the client hung up: nothing to serve
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    acceptor.interrupt();
  }
}
