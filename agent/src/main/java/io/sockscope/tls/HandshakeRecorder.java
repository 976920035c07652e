package io.sockscope.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * One probe's view of the handshake: the trust manager records the server's chain and accepts it
 * (verification runs afterwards, so an expired certificate still yields all its facts); the key
 * manager notes whether the server asked for a client certificate and offers the target's own.
 */
final class HandshakeRecorder {
  private static final String ALIAS = "client";

  private volatile List<X509Certificate> chain = List.of();
  private volatile boolean clientCertRequested;
  private final PrivateKey clientKey;
  private final X509Certificate[] clientChain;

  HandshakeRecorder(PrivateKey clientKey, List<X509Certificate> clientChain) {
    this.clientKey = clientKey;
    this.clientChain = clientChain == null ? null : clientChain.toArray(X509Certificate[]::new);
  }

  List<X509Certificate> chain() {
    return chain;
  }

  boolean clientCertRequested() {
    return clientCertRequested;
  }

  boolean hasClientCert() {
    return clientKey != null;
  }

  final X509ExtendedTrustManager trustManager =
      new X509ExtendedTrustManager() {
        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType, Socket s) {
          chain = List.of(c);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType, SSLEngine e) {
          chain = List.of(c);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] c, String authType) {
          chain = List.of(c);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String a, Socket s)
            throws CertificateException {
          throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e)
            throws CertificateException {
          throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] c, String a) throws CertificateException {
          throw new CertificateException("client side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  final X509ExtendedKeyManager keyManager =
      new X509ExtendedKeyManager() {
        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
          clientCertRequested = true;
          return clientKey != null && Arrays.asList(keyTypes).contains(clientKey.getAlgorithm())
              ? ALIAS
              : null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine e) {
          return chooseClientAlias(keyTypes, issuers, null);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
          return clientKey == null ? null : new String[] {ALIAS};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
          return ALIAS.equals(alias) ? clientChain : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
          return ALIAS.equals(alias) ? clientKey : null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
          return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
          return null;
        }
      };
}
