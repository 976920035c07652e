package io.sockscope.tls;

import io.sockscope.util.RateLimitedLog;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Three-way certificate parity inside a pod (docs/sidecar.md, "Certificate files"): for each file
 * the pod mounts, its leaf, the leaf of the Secret it comes from (published by the namespace
 * prober: a sidecar has no API access) and the leaf the pod serves on localhost. Catches the
 * {@code subPath} mount that never updates ({@link Differs#SECRET}) and the application that never
 * reloads ({@link Differs#SERVED}).
 *
 * <p>Each {@link #check()} reads every file again (a few KiB; a {@code subPath} file has no
 * {@code ..data} to watch) and probes each port once. At most {@code max} files are checked; the
 * rest is counted ({@link #cut()}). A failure of one file never stops the others: it is counted
 * per file and side, logged once a minute, and the file's parity is {@link Differs#UNKNOWN}.
 */
public final class CertificateFiles implements AutoCloseable {
  private static final System.Logger logger = System.getLogger(CertificateFiles.class.getName());

  /** Which view failed to give a leaf; the {@code side} label of the error counter. */
  public enum Side {
    FILE,
    SERVED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final List<CertificateFileCheck> checks;
  private final int cut;
  private final Supplier<SecretFingerprints> secrets;
  private final Function<ProbeTarget, ProbeResult> prober;
  private final Clock clock;
  private final RateLimitedLog log = RateLimitedLog.perMinute(logger);
  private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
  private volatile List<FileParity> latest = List.of();
  private volatile Thread runner;

  public CertificateFiles(List<CertificateFileCheck> checks, int max,
      Supplier<SecretFingerprints> secrets, Function<ProbeTarget, ProbeResult> prober, Clock clock) {
    this.checks = List.copyOf(checks.subList(0, Math.min(max, checks.size())));
    this.cut = checks.size() - this.checks.size();
    this.secrets = secrets;
    this.prober = prober;
    this.clock = clock;
    for (CertificateFileCheck c : this.checks) {
      for (Side s : Side.values()) {
        errors.put(errorKey(c, s), new AtomicLong());
      }
    }
  }

  /**
   * Checks at once and then every {@code period}, on a virtual thread: the first check waits for
   * no one (the pod's port may hold a probe for a whole timeout, and the sidecar starts first).
   */
  public CertificateFiles start(Duration period) {
    runner = Thread.ofVirtual().name("certificate-files").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        check();
        try {
          Thread.sleep(period);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    return this;
  }

  /** Compares every file now; never throws. */
  public synchronized List<FileParity> check() {
    SecretFingerprints published = secrets.get();
    List<FileParity> out = new ArrayList<>();
    for (CertificateFileCheck c : checks) {
      CertificateFacts file = fileLeaf(c);
      SecretFingerprints.Leaf secret = published.get(c.secret(), c.key()).orElse(null);
      CertificateFacts served = c.served() == null ? null : servedLeaf(c);
      Differs d = Differs.of(file == null ? null : file.fingerprintSha256(),
          secret == null ? null : secret.fingerprintSha256(),
          served == null ? null : served.fingerprintSha256(), c.served() != null);
      out.add(new FileParity(c, file, secret, served, d, clock.instant()));
    }
    latest = List.copyOf(out);
    return latest;
  }

  private CertificateFacts fileLeaf(CertificateFileCheck c) {
    try {
      return CertificateFile.read(c.file(), c.format(), c.password()).getFirst();
    } catch (NoSuchFileException e) {
      fail(c, Side.FILE, "no such file");
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // CertificateFile's messages name the file and the format, never the password
      fail(c, Side.FILE, e.getMessage());
    }
    return null;
  }

  private CertificateFacts servedLeaf(CertificateFileCheck c) {
    ProbeResult r = prober.apply(c.served());
    if (r.leaf().isEmpty()) {
      fail(c, Side.SERVED, c.served().id() + ": " + (r.failureReason() == null
          ? "no certificate" : r.failureReason().label()));
    }
    return r.leaf().orElse(null);
  }

  private void fail(CertificateFileCheck c, Side side, String why) {
    errors.get(errorKey(c, side)).incrementAndGet();
    log.log(Level.WARNING, errorKey(c, side), "certificate files: " + c.file() + ": the "
        + side.label() + " side gives no certificate (" + why + "); parity unknown");
  }

  private static String errorKey(CertificateFileCheck c, Side side) {
    return c.file() + "|" + side.label();
  }

  /** The latest comparison of each file, in configuration order. */
  public List<FileParity> latest() {
    return latest;
  }

  /** Failed reads ({@link Side#FILE}) or local probes without a certificate ({@link Side#SERVED}). */
  public long errors(CertificateFileCheck c, Side side) {
    AtomicLong n = errors.get(errorKey(c, side));
    return n == null ? 0 : n.get();
  }

  /** Files configured beyond the cap ({@code tls.maxCertificateFiles}): not checked. */
  public int cut() {
    return cut;
  }

  @Override
  public void close() {
    Thread t = runner;
    if (t != null) {
      t.interrupt();
    }
  }
}
