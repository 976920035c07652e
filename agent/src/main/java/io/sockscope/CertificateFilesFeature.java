package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.CertificateFileConfig;
import io.sockscope.http.StatusPage;
import io.sockscope.metrics.CertificateFileMetrics;
import io.sockscope.tls.CertificateFileCheck;
import io.sockscope.tls.CertificateFiles;
import io.sockscope.tls.FileParity;
import io.sockscope.tls.KeystorePassword;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.SecretFingerprints;
import io.sockscope.util.MountedFile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three-way certificate parity in the sidecar (docs/sidecar.md, "Certificate files"): each file of
 * {@code tls.certificateFiles} against the Secret leaf the namespace prober publishes (read from the
 * mounted ConfigMap at {@code kubernetes.certificatesFile}, last good copy kept) and the leaf the
 * pod serves on localhost. JDK only, no API access. Checked every {@code tls.interval}; never gates
 * readiness.
 */
final class CertificateFilesFeature implements Feature {
  private final AgentConfig config;
  private final TlsFeature tls;

  CertificateFilesFeature(AgentConfig config, TlsFeature tls) {
    this.config = config;
    this.tls = tls;
  }

  @Override
  public void start(FeatureHost host) {
    MountedFile<SecretFingerprints> published = host.closeOnStop(new MountedFile<>(
        "secret fingerprints", Path.of(config.kubernetes().certificatesFile()),
        PeerNamesFeature.POLL, SecretFingerprints::parse, SecretFingerprints.EMPTY,
        SecretFingerprints::size).start());
    Duration timeout = config.tls().timeout();
    CertificateFiles files = host.closeOnStop(new CertificateFiles(
        config.tls().certificateFiles().stream().map(CertificateFilesFeature::check).toList(),
        config.tls().maxCertificateFiles(), published::current,
        target -> tls.prober().probe(target, timeout), Clock.systemUTC()));
    CertificateFileMetrics.bind(files, published, host.metrics());
    files.start(config.tls().interval());
    host.snapshot("certificateFiles", () -> files.latest().stream()
        .map(CertificateFilesFeature::describe).toList());
    host.status(() -> section(files));
  }

  static CertificateFileCheck check(CertificateFileConfig c) {
    KeystorePassword password = c.passwordFile() != null
        ? KeystorePassword.fromFile(Path.of(c.passwordFile()))
        : c.passwordEnv() != null ? KeystorePassword.fromEnv(c.passwordEnv()) : KeystorePassword.none();
    // The pod's own port: localhost is the pod (the sidecar shares its network namespace).
    ProbeTarget served = c.port() == null ? null
        : ProbeTarget.of("127.0.0.1", c.port(), c.serverName(), ProbeSource.ADHOC);
    return new CertificateFileCheck(Path.of(c.path()), c.fileFormat(), password, c.secret(),
        c.key(), served);
  }

  /** Public facts only: fingerprints and dates, never a password source's value. */
  private static Map<String, Object> describe(FileParity p) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", p.file());
    out.put("secret", p.check().secret());
    out.put("key", p.check().key());
    out.put("port", p.check().served() == null ? null : p.check().served().port());
    out.put("differs", p.differs().label());
    out.put("fileSha256", p.fileLeaf() == null ? null : p.fileLeaf().fingerprintSha256());
    out.put("fileNotAfter", p.fileLeaf() == null ? null : p.fileLeaf().notAfter());
    out.put("secretSha256", p.secretLeaf() == null ? null : p.secretLeaf().fingerprintSha256());
    out.put("servedSha256", p.servedLeaf() == null ? null : p.servedLeaf().fingerprintSha256());
    out.put("checkedAt", p.checkedAt());
    return out;
  }

  private static StatusPage.Section section(CertificateFiles files) {
    List<List<String>> rows = new ArrayList<>();
    long differing = 0;
    for (FileParity p : files.latest()) {
      differing += p.differs() == io.sockscope.tls.Differs.NONE ? 0 : 1;
      rows.add(List.of(p.file(), p.check().secret() + "/" + p.check().key(),
          p.check().served() == null ? "–" : Integer.toString(p.check().served().port()),
          p.differs().label(),
          p.fileLeaf() == null ? "–" : p.fileLeaf().notAfter().toString()));
    }
    return new StatusPage.Section("Certificate files", List.of(
        new StatusPage.Figure("files", Integer.toString(rows.size()), false),
        new StatusPage.Figure("not in parity", Long.toString(differing), differing > 0)),
        List.of(new StatusPage.Table("File vs Secret vs served",
            List.of("file", "secret/key", "port", "differs", "file notAfter"), rows, "")));
  }
}
