package io.sockscope.tls;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

/**
 * One TLS probe: resolve, timed TCP connect, the protocol's plaintext step when it has one
 * (STARTTLS and kin, {@link ProbeProtocol}), timed handshake (ClientHello to Finished), then
 * verification of the recorded chain. One deadline covers every phase: a watchdog closes the socket
 * when it passes, so a server that trickles bytes cannot stretch a probe.
 */
public final class TlsProber implements AutoCloseable {
  /** Grace for a server that rejects a missing client certificate after our Finished (TLS 1.3). */
  private static final Duration CLIENT_AUTH_GRACE = Duration.ofMillis(200);

  /** How long a polite close waits for the server's close_notify. */
  private static final Duration CLOSE_GRACE = Duration.ofMillis(200);

  /** Name resolution; the system resolver in production. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress resolve(String host) throws UnknownHostException;
  }

  private final TrustAnchors anchors;
  private final Clock clock;
  private final Resolver resolver;
  private final Map<List<Path>, TrustAnchors> perTarget = new ConcurrentHashMap<>();
  private final KeyShares keyShares = new KeyShares();
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("tls-deadline").unstarted(r));

  public TlsProber(TrustAnchors anchors, Clock clock) {
    this(anchors, clock, InetAddress::getByName);
  }

  public TlsProber(TrustAnchors anchors, Clock clock, Resolver resolver) {
    this.anchors = anchors;
    this.clock = clock;
    this.resolver = resolver;
  }

  /** Probes {@code target} within {@code timeout}; never throws. */
  public ProbeResult probe(ProbeTarget target, Duration timeout) {
    return probe(target, timeout, null);
  }

  /**
   * As {@link #probe(ProbeTarget, Duration)}, connecting to {@code pinned} instead of resolving
   * (the {@code /probe} endpoint resolves once, checks the addresses, then pins them).
   */
  public ProbeResult probe(ProbeTarget target, Duration timeout, InetAddress pinned) {
    var started = clock.instant();
    long deadline = System.nanoTime() + timeout.toNanos();
    String[] groups = keyShares.groupsFor(target);
    ProbeAttempt a = attempt(new ProbeAttempt(target, started, deadline, groups), pinned);
    if (groups != null && KeyShares.needsAllGroups(a) && !a.expired()) {
      // What the one key share may have caused is not the server's fault: ask as before.
      keyShares.useAllGroups(target);
      a = attempt(new ProbeAttempt(target, started, deadline, null), pinned);
    }
    return a.result(clock.instant());
  }

  private ProbeAttempt attempt(ProbeAttempt a, InetAddress pinned) {
    try {
      run(a, pinned);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      a.fail(FailureStage.RESOLVE, FailureReason.TIMEOUT, "interrupted");
    }
    return a;
  }

  // bin/sockscope names this method (CompileCommand=dontinline) so that C2 compiles the probe on
  // its own instead of inlining it into the scheduler's lambda: rename both together.
  private void run(ProbeAttempt a, InetAddress pinned) throws InterruptedException {
    ProbeTarget t = a.target;
    HandshakeRecorder recorder;
    try {
      recorder = recorder(t, a);
    } catch (IOException | GeneralSecurityException e) {
      a.fail(FailureStage.HANDSHAKE, FailureReason.CLIENT_CONFIG, e.getMessage());
      return;
    }
    InetAddress address = pinned != null ? pinned : resolve(a);
    if (address == null) {
      return;
    }
    Socket raw = new Socket();
    try {
      // The handshake is several small writes in a row (TLS 1.2: ClientKeyExchange,
      // ChangeCipherSpec, Finished): with Nagle, one can wait ~40 ms for a delayed ACK and the
      // handshake time would measure the kernel's ACK timer, not the server.
      raw.setTcpNoDelay(true);
    } catch (java.net.SocketException e) {
      // not fatal: the probe still works, only its timing may include Nagle's delay
    }
    ScheduledFuture<?> guard =
        watchdog.schedule(() -> closeQuietly(raw), a.remainingNanos(), TimeUnit.NANOSECONDS);
    try {
      SSLSocket ssl;
      if (connect(a, raw, address)
          && startTls(a, raw)
          && (ssl = handshake(a, raw, recorder)) != null) {
        verify(a, recorder.chain());
        if (a.target.protocol().startTls() != null) {
          closePolitely(a, ssl);
        }
      }
    } finally {
      guard.cancel(false);
      closeQuietly(raw);
    }
  }

  private HandshakeRecorder recorder(ProbeTarget t, ProbeAttempt a)
      throws IOException, GeneralSecurityException {
    if (t.clientCert() == null) {
      return new HandshakeRecorder(null, null);
    }
    List<X509Certificate> chain = Pem.certificates(t.clientCert());
    PrivateKey key = Pem.privateKey(t.clientKey());
    if (!chain.isEmpty()) {
      a.clientCertNotAfter = chain.getFirst().getNotAfter().toInstant();
    }
    return new HandshakeRecorder(key, chain);
  }

  private InetAddress resolve(ProbeAttempt a) throws InterruptedException {
    String host = a.target.host();
    if (HostnameMatcher.isIpLiteral(host)) {
      return InetAddress.ofLiteral(host);
    }
    // The system resolver cannot be interrupted: run it aside and stop waiting at the deadline.
    CompletableFuture<InetAddress> lookup = new CompletableFuture<>();
    Thread.ofVirtual()
        .name("tls-resolve")
        .start(
            () -> {
              try {
                lookup.complete(resolver.resolve(host));
              } catch (UnknownHostException | RuntimeException e) {
                lookup.completeExceptionally(e);
              }
            });
    try {
      return lookup.get(a.remainingNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      a.fail(FailureStage.RESOLVE, FailureReason.TIMEOUT, "resolving " + host + " timed out");
    } catch (ExecutionException e) {
      a.fail(FailureStage.RESOLVE, FailureReason.UNKNOWN_HOST, String.valueOf(e.getCause()));
    }
    return null;
  }

  private boolean connect(ProbeAttempt a, Socket raw, InetAddress address) {
    long start = System.nanoTime();
    try {
      int millis = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(a.remainingNanos()));
      raw.connect(new InetSocketAddress(address, a.target.port()), millis);
      a.connect = Duration.ofNanos(System.nanoTime() - start);
      return true;
    } catch (IOException e) {
      FailureReason r =
          a.expired() || e instanceof SocketTimeoutException
              ? FailureReason.TIMEOUT
              : e instanceof ConnectException && String.valueOf(e.getMessage()).contains("refused")
                  ? FailureReason.REFUSED
                  : FailureReason.UNREACHABLE;
      a.fail(FailureStage.CONNECT, r, e.toString());
      return false;
    }
  }

  /**
   * The protocol's plaintext step, timed apart from the handshake: a refusal is a reason of its
   * own, not a handshake failure or a timeout.
   */
  private static boolean startTls(ProbeAttempt a, Socket raw) {
    StartTls step = a.target.protocol().startTls();
    if (step == null) {
      return true;
    }
    long start = System.nanoTime();
    try {
      raw.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(a.remainingNanos())));
      step.negotiate(raw.getInputStream(), raw.getOutputStream());
      a.starttls = Duration.ofNanos(System.nanoTime() - start);
      return true;
    } catch (StartTlsException e) {
      a.fail(
          FailureStage.STARTTLS, e.reason(), a.target.protocol().label() + ": " + e.getMessage());
    } catch (IOException e) {
      FailureReason r =
          a.expired() || e instanceof SocketTimeoutException
              ? FailureReason.TIMEOUT
              : FailureReason.RESET;
      a.fail(FailureStage.STARTTLS, r, a.target.protocol().label() + ": " + e);
    }
    return false;
  }

  /** The TLS socket after a completed handshake, or null when it failed (recorded in {@code a}). */
  private SSLSocket handshake(ProbeAttempt a, Socket raw, HandshakeRecorder recorder) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(
          new KeyManager[] {recorder.keyManager}, new TrustManager[] {recorder.trustManager}, null);
      String sni = a.target.verifiedName();
      SSLSocket ssl =
          (SSLSocket) ctx.getSocketFactory().createSocket(raw, sni, a.target.port(), true);
      var params = ssl.getSSLParameters();
      params.setServerNames(sniFor(a.target));
      if (a.namedGroups != null) {
        params.setNamedGroups(a.namedGroups);
      }
      ssl.setSSLParameters(params);
      ssl.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(a.remainingNanos())));
      long start = System.nanoTime();
      ssl.startHandshake();
      a.handshake = Duration.ofNanos(System.nanoTime() - start);
      a.chain = recorder.chain();
      a.version = ssl.getSession().getProtocol();
      a.cipher = ssl.getSession().getCipherSuite();
      if (recorder.clientCertRequested()
          && !recorder.hasClientCert()
          && rejectedAfterFinished(ssl, a)) {
        a.fail(
            FailureStage.HANDSHAKE,
            FailureReason.CLIENT_CERT_REQUIRED,
            "server requires a client certificate");
        return null;
      }
      return ssl;
    } catch (IOException | GeneralSecurityException e) {
      a.chain = recorder.chain();
      a.fail(FailureStage.HANDSHAKE, handshakeReason(a, recorder, e), e.toString());
      return null;
    }
  }

  /**
   * In TLS 1.3 the client's handshake ends before the server has seen its (empty) Certificate, so a
   * server that requires one rejects it with an alert on the first read: wait briefly for it.
   */
  private static boolean rejectedAfterFinished(SSLSocket ssl, ProbeAttempt a) {
    try {
      long millis =
          Math.min(CLIENT_AUTH_GRACE.toMillis(), TimeUnit.NANOSECONDS.toMillis(a.remainingNanos()));
      ssl.setSoTimeout((int) Math.max(1, millis));
      return ssl.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false; // "want" client auth: the server carries on without one
    } catch (IOException e) {
      return true;
    }
  }

  private static FailureReason handshakeReason(ProbeAttempt a, HandshakeRecorder r, Exception e) {
    String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (a.expired() || e instanceof SocketTimeoutException) {
      return FailureReason.TIMEOUT;
    }
    if (ChainLimit.isTooLong(msg)) {
      return FailureReason.CHAIN_TOO_LONG;
    }
    if (r.clientCertRequested() && !r.hasClientCert()) {
      return FailureReason.CLIENT_CERT_REQUIRED;
    }
    if (e instanceof SSLException && !msg.contains("terminated") && !msg.contains("reset")) {
      return FailureReason.PROTOCOL_ERROR;
    }
    return FailureReason.RESET;
  }

  private static List<javax.net.ssl.SNIServerName> sniFor(ProbeTarget t) {
    // No SNI for an IP literal unless a server name is given (RFC 6066 §3 forbids IP literals).
    String name = t.verifiedName();
    if (HostnameMatcher.isIpLiteral(name)) {
      return List.of();
    }
    try {
      return List.of(new SNIHostName(name));
    } catch (IllegalArgumentException e) {
      return List.of();
    }
  }

  private void verify(ProbeAttempt a, List<X509Certificate> chain) {
    TrustAnchors effective;
    try {
      effective =
          a.target.caFiles().isEmpty()
              ? anchors
              : perTarget.computeIfAbsent(
                  a.target.caFiles(),
                  files -> {
                    try {
                      return anchors.plus(files);
                    } catch (IOException | GeneralSecurityException e) {
                      throw new IllegalStateException(e.getMessage(), e);
                    }
                  });
    } catch (IllegalStateException e) {
      effective = anchors;
    }
    a.reasons = ChainVerifier.verify(chain, a.target.verifiedName(), effective, clock.instant());
    if (!a.reasons.isEmpty()) {
      VerifyReason first = a.reasons.stream().sorted().findFirst().orElseThrow();
      a.fail(FailureStage.VERIFY, FailureReason.of(first), "verification failed: " + a.reasons);
    }
  }

  /**
   * Ends the session as a client should: close_notify, then wait briefly for the server's. Servers
   * behind STARTTLS log every abrupt end (PostgreSQL "could not receive data from client:
   * Connection reset by peer", Exim "TLS connection was non-properly terminated"): a probe each
   * minute must not fill a database's log. The reset comes from closing with the server's TLS 1.3
   * session tickets still unread; reading to the end consumes them.
   */
  private static void closePolitely(ProbeAttempt a, SSLSocket ssl) {
    try {
      long millis =
          Math.min(CLOSE_GRACE.toMillis(), TimeUnit.NANOSECONDS.toMillis(a.remainingNanos()));
      ssl.setSoTimeout((int) Math.max(1, millis));
      ssl.shutdownOutput();
      byte[] sink = new byte[512];
      while (ssl.getInputStream().read(sink) >= 0) {
        // an application byte after close_notify is the server's business; keep draining
      }
    } catch (IOException e) {
      // the probe's verdict is made; a server that does not answer close_notify is closed below
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing is best effort
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }
}
