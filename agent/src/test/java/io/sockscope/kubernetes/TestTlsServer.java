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
