package io.sockscope.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The certificates a chain may end at: extra PEM bundles and the in-cluster service-account CA
 * when present ("own" anchors, read at start-up), and the JDK's cacerts. Indexed by subject for
 * chain building.
 *
 * <p>The JDK's ~144 anchors are parsed only when a chain needs them ({@link #complete}), once per
 * process: a sidecar that probes only in-cluster peers signed by a configured CA never pays their
 * heap (docs/performance.md, "Sidecar JVM flags").
 */
public final class TrustAnchors {
  /** Mounted into every pod with a service account token: the cluster's own CA. */
  public static final Path SERVICE_ACCOUNT_CA =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");

  private static final System.Logger logger = System.getLogger(TrustAnchors.class.getName());

  private final Map<X500Principal, List<X509Certificate>> bySubject;
  private final boolean withJdk;
  private volatile TrustAnchors complete;

  private TrustAnchors(Map<X500Principal, List<X509Certificate>> bySubject, boolean withJdk) {
    this.bySubject = bySubject;
    this.withJdk = withJdk;
  }

  /** {@code pemFiles} + the service-account CA if the file exists, and the JDK's anchors. */
  public static TrustAnchors load(List<Path> pemFiles, Path serviceAccountCa)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> all = new ArrayList<>();
    for (Path p : pemFiles) {
      all.addAll(Pem.certificates(p));
    }
    if (serviceAccountCa != null && Files.isReadable(serviceAccountCa)) {
      all.addAll(Pem.certificates(serviceAccountCa));
    }
    return new TrustAnchors(index(all), true);
  }

  /** Exactly {@code certs}, without the JDK's anchors. */
  static TrustAnchors of(List<X509Certificate> certs) {
    return new TrustAnchors(index(certs), false);
  }

  private static Map<X500Principal, List<X509Certificate>> index(List<X509Certificate> certs) {
    Map<X500Principal, List<X509Certificate>> m = new HashMap<>();
    for (X509Certificate c : certs) {
      m.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
    m.replaceAll((k, v) -> List.copyOf(v));
    return Map.copyOf(m);
  }

  /** These anchors plus the certificates of {@code pemFiles} (per-target CA files). */
  TrustAnchors plus(List<Path> pemFiles) throws IOException, GeneralSecurityException {
    if (pemFiles.isEmpty()) {
      return this;
    }
    List<X509Certificate> all = new ArrayList<>();
    bySubject.values().forEach(all::addAll);
    for (Path p : pemFiles) {
      all.addAll(Pem.certificates(p));
    }
    return new TrustAnchors(index(all), withJdk);
  }

  /** Whether {@link #complete} holds more than these (the JDK's anchors, not read yet). */
  boolean defersJdk() {
    return withJdk;
  }

  /** The anchors read at start-up alone: a lookup in them never reads the JDK's. */
  TrustAnchors own() {
    return withJdk ? new TrustAnchors(bySubject, false) : this;
  }

  /** These anchors and the JDK's: parses cacerts on the first call of the process. */
  TrustAnchors complete() {
    if (!withJdk) {
      return this;
    }
    TrustAnchors c = complete;
    if (c == null) {
      List<X509Certificate> all = new ArrayList<>(JdkAnchors.CERTIFICATES);
      bySubject.values().forEach(all::addAll);
      c = new TrustAnchors(index(all), false);
      complete = c;
    }
    return c;
  }

  /** Whether this instance has read the JDK's anchors yet (tests). */
  boolean jdkRead() {
    return complete != null;
  }

  List<X509Certificate> withSubject(X500Principal subject) {
    return bySubject.getOrDefault(subject, List.of());
  }

  /** Whether {@code c} is an anchor, the JDK's included (read on demand). */
  boolean contains(X509Certificate c) {
    return withSubject(c.getSubjectX500Principal()).contains(c) || withJdk && complete().contains(c);
  }

  /** The anchors read at start-up (not counting the JDK's). */
  public int size() {
    return bySubject.values().stream().mapToInt(List::size).sum();
  }

  /** The JDK's default anchors, parsed on first use (class initialisation is lazy and once). */
  private static final class JdkAnchors {
    static final List<X509Certificate> CERTIFICATES = load();

    private static List<X509Certificate> load() {
      try {
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        return Arrays.stream(tmf.getTrustManagers())
            .filter(X509TrustManager.class::isInstance)
            .flatMap(tm -> Arrays.stream(((X509TrustManager) tm).getAcceptedIssuers()))
            .toList();
      } catch (GeneralSecurityException e) {
        // A runtime without cacerts: chains must end at a configured anchor (reported untrusted).
        logger.log(System.Logger.Level.WARNING, "cannot read the JDK's trust anchors: " + e);
        return List.of();
      }
    }
  }
}
