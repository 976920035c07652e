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
 * The certificates a chain may end at: the JDK's cacerts, extra PEM bundles, and the in-cluster
 * service-account CA when present. Indexed by subject for chain building.
 */
public final class TrustAnchors {
  /** Mounted into every pod with a service account token: the cluster's own CA. */
  public static final Path SERVICE_ACCOUNT_CA =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");

  private final Map<X500Principal, List<X509Certificate>> bySubject;

  private TrustAnchors(Map<X500Principal, List<X509Certificate>> bySubject) {
    this.bySubject = bySubject;
  }

  /** JDK anchors + {@code pemFiles} + the service-account CA if the file exists. */
  public static TrustAnchors load(List<Path> pemFiles, Path serviceAccountCa)
      throws IOException, GeneralSecurityException {
    List<X509Certificate> all = new ArrayList<>(jdkDefaults());
    for (Path p : pemFiles) {
      all.addAll(Pem.certificates(p));
    }
    if (serviceAccountCa != null && Files.isReadable(serviceAccountCa)) {
      all.addAll(Pem.certificates(serviceAccountCa));
    }
    return of(all);
  }

  static TrustAnchors of(List<X509Certificate> certs) {
    Map<X500Principal, List<X509Certificate>> m = new HashMap<>();
    for (X509Certificate c : certs) {
      m.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
    m.replaceAll((k, v) -> List.copyOf(v));
    return new TrustAnchors(Map.copyOf(m));
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
    return of(all);
  }

  List<X509Certificate> withSubject(X500Principal subject) {
    return bySubject.getOrDefault(subject, List.of());
  }

  boolean contains(X509Certificate c) {
    return withSubject(c.getSubjectX500Principal()).contains(c);
  }

  public int size() {
    return bySubject.values().stream().mapToInt(List::size).sum();
  }

  private static List<X509Certificate> jdkDefaults() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    return Arrays.stream(tmf.getTrustManagers())
        .filter(X509TrustManager.class::isInstance)
        .flatMap(tm -> Arrays.stream(((X509TrustManager) tm).getAcceptedIssuers()))
        .toList();
  }
}
