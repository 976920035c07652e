package io.sockscope.injector;

import io.sockscope.tls.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The webhook's key and certificate from PEM files, re-read when they change (cert-manager renews
 * the Secret; kubelet updates the mounted files), checked at most every {@link #CHECK_EVERY}.
 * A broken new pair keeps the old one in service.
 */
final class ReloadingKeyManager extends X509ExtendedKeyManager {
  static final Duration CHECK_EVERY = Duration.ofSeconds(30);
  private static final System.Logger logger =
      System.getLogger(ReloadingKeyManager.class.getName());

  private final Path certFile;
  private final Path keyFile;
  private final Clock clock;
  private volatile X509ExtendedKeyManager delegate;
  private volatile FileTime certTime;
  private volatile FileTime keyTime;
  private volatile Instant nextCheck;

  ReloadingKeyManager(Path certFile, Path keyFile, Clock clock) throws GeneralSecurityException {
    this.certFile = certFile;
    this.keyFile = keyFile;
    this.clock = clock;
    load();
  }

  private void load() throws GeneralSecurityException {
    try {
      FileTime ct = Files.getLastModifiedTime(certFile);
      FileTime kt = Files.getLastModifiedTime(keyFile);
      var chain = Pem.certificates(certFile);
      if (chain.isEmpty()) {
        throw new GeneralSecurityException(certFile + ": no certificate in PEM");
      }
      PrivateKey key = Pem.privateKey(keyFile);
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("webhook", key, new char[0], chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(store, new char[0]);
      delegate = (X509ExtendedKeyManager) kmf.getKeyManagers()[0];
      certTime = ct;
      keyTime = kt;
      nextCheck = clock.instant().plus(CHECK_EVERY);
    } catch (IOException e) {
      throw new GeneralSecurityException("cannot read " + certFile + " / " + keyFile, e);
    }
  }

  private X509ExtendedKeyManager current() {
    if (clock.instant().isBefore(nextCheck)) {
      return delegate;
    }
    nextCheck = clock.instant().plus(CHECK_EVERY);
    try {
      if (!Files.getLastModifiedTime(certFile).equals(certTime)
          || !Files.getLastModifiedTime(keyFile).equals(keyTime)) {
        load();
        logger.log(System.Logger.Level.INFO, "webhook certificate reloaded from " + certFile);
      }
    } catch (IOException | GeneralSecurityException | UncheckedIOException e) {
      logger.log(System.Logger.Level.WARNING, "webhook certificate not reloaded: " + e);
    }
    return delegate;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return current().chooseEngineServerAlias(keyType, issuers, engine);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return current().chooseServerAlias(keyType, issuers, socket);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return delegate.getServerAliases(keyType, issuers);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return delegate.getCertificateChain(alias);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return delegate.getPrivateKey(alias);
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // server only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null; // server only
  }
}
