package io.sockscope.kubernetes;

import io.sockscope.tls.CertificateFacts;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@link ServedCertificates} by a real handshake: connects to the address a target is mapped to and
 * reads the presented leaf. The trust-all manager only lets the test read what is served; it never
 * decides anything about trust.
 */
final class HandshakeServedCertificates implements ServedCertificates {
  private final Map<String, InetSocketAddress> routes;

  HandshakeServedCertificates(Map<String, InetSocketAddress> routes) {
    this.routes = routes;
  }

  @Override
  public Optional<String> servedFingerprint(String target) {
    InetSocketAddress address = routes.get(target);
    if (address == null && Character.isDigit(target.charAt(0))) {
      // A backend target: its id is IP:PORT,SERVER_NAME, the address itself.
      String hostPort = target.split(",")[0];
      int colon = hostPort.lastIndexOf(':');
      address = new InetSocketAddress(hostPort.substring(0, colon),
          Integer.parseInt(hostPort.substring(colon + 1)));
    }
    if (address == null) {
      return Optional.empty();
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new ReadOnly()}, null);
      try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket()) {
        s.connect(address, 2000);
        s.setSoTimeout(2000);
        s.startHandshake();
        X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
        // Colons and upper case, as some probers print it: the comparison must not care.
        String hex = CertificateFacts.sha256(leaf).toUpperCase();
        return Optional.of(String.join(":", hex.split("(?<=\\G..)")));
      }
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static final class ReadOnly implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
