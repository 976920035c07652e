package io.sockscope.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The blackbox-style {@code /probe?target=HOST:PORT[&server_name=NAME][&protocol=P]}. It makes the agent connect
 * where a caller says, so it is off by default and, when on, probes only configured targets or
 * allow-listed hosts and addresses; a name is resolved once, checked against the CIDRs, and the
 * probe connects to that checked address (no second lookup to rebind).
 *
 * <p>Probes run on their own virtual threads, at most {@code maxConcurrent} at once; one more is
 * answered 429 at once. The HTTP server's threads never wait for a target, so a caller probing a
 * tarpit cannot starve {@code /healthz} or {@code /metrics} (issue 13: 12 such probes made the
 * liveness probe time out for 60 s).
 */
public final class AdhocProbe {
  /** Default of {@code tls.probeEndpoint.maxConcurrent}. */
  public static final int DEFAULT_MAX_CONCURRENT = 4;

  /**
   * Prometheus sends its scrape timeout; leave this much for the exposition (blackbox's default).
   */
  static final Duration OFFSET = Duration.ofMillis(500);

  static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);

  /** HTTP status (200, 400, 403, 404, 429), a message for errors, and the result on 200. */
  public record Outcome(int status, String message, ProbeResult result) {}

  private final boolean enabled;
  private final TlsProber prober;
  private final Map<String, ProbeTarget> configured; // by HOST:PORT
  private final AllowList allow;
  private final Duration defaultTimeout;
  private final TlsProber.Resolver resolver;
  private final int maxConcurrent;
  private final Semaphore running;

  public AdhocProbe(
      boolean enabled,
      TlsProber prober,
      List<ProbeTarget> configured,
      AllowList allow,
      Duration defaultTimeout,
      TlsProber.Resolver resolver) {
    this(enabled, prober, configured, allow, defaultTimeout, resolver, DEFAULT_MAX_CONCURRENT);
  }

  public AdhocProbe(
      boolean enabled,
      TlsProber prober,
      List<ProbeTarget> configured,
      AllowList allow,
      Duration defaultTimeout,
      TlsProber.Resolver resolver,
      int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
    this.running = new Semaphore(maxConcurrent);
    this.enabled = enabled;
    this.prober = prober;
    this.configured =
        configured.stream()
            .collect(Collectors.toMap(ProbeTarget::address, Function.identity(), (a, b) -> a));
    this.allow = allow;
    this.defaultTimeout = defaultTimeout;
    this.resolver = resolver;
  }

  /**
   * Starts the probe on a virtual thread and returns at once: completed with 429 when {@code
   * maxConcurrent} probes are already running, with 404 when the endpoint is off.
   */
  public CompletableFuture<Outcome> submit(
      String target, String serverName, String scrapeTimeoutHeader) {
    return submit(target, serverName, null, scrapeTimeoutHeader);
  }

  /** As {@link #submit(String, String, String)} with a {@code protocol} parameter (or null). */
  public CompletableFuture<Outcome> submit(
      String target, String serverName, String protocol, String scrapeTimeoutHeader) {
    if (!enabled) {
      return CompletableFuture.completedFuture(disabled());
    }
    if (!running.tryAcquire()) {
      return CompletableFuture.completedFuture(
          new Outcome(
              429,
              "busy: "
                  + maxConcurrent
                  + " probes already running (tls.probeEndpoint.maxConcurrent); retry later",
              null));
    }
    CompletableFuture<Outcome> out = new CompletableFuture<>();
    try {
      Thread.ofVirtual()
          .name("adhoc-probe")
          .start(
              () -> {
                try {
                  out.complete(probe(target, serverName, protocol, scrapeTimeoutHeader));
                } catch (RuntimeException | Error e) {
                  out.completeExceptionally(e);
                } finally {
                  running.release();
                }
              });
    } catch (RuntimeException | Error e) {
      running.release();
      throw e;
    }
    return out;
  }

  /** Probes in the calling thread (blocks for up to the timeout). */
  public Outcome probe(String target, String serverName, String scrapeTimeoutHeader) {
    return probe(target, serverName, null, scrapeTimeoutHeader);
  }

  /**
   * As {@link #probe(String, String, String)}; {@code protocol} ({@code postgres}, {@code smtp},
   * ...) overrides the configured target's or the port's protocol, null keeps it.
   */
  public Outcome probe(
      String target, String serverName, String protocol, String scrapeTimeoutHeader) {
    if (!enabled) {
      return disabled();
    }
    ProbeTarget t = parse(target, serverName);
    if (t == null) {
      return new Outcome(
          400, "target must be HOST:PORT (IPv6 as [ADDR]:PORT), server_name a DNS name", null);
    }
    ProbeProtocol chosen = null;
    if (protocol != null && !protocol.isBlank()) {
      chosen = ProbeProtocol.named(protocol).orElse(null);
      if (chosen == null) {
        return new Outcome(400, "protocol must be one of " + ProbeProtocol.spellings(), null);
      }
      t = t.withProtocol(chosen);
    }
    Duration timeout = timeout(scrapeTimeoutHeader);
    ProbeTarget known = configured.get(t.address());
    if (known != null) {
      // the configured target's settings (CA files, client certificate), labelled as what it is
      // here: an ad-hoc probe (a "static" label would pass for the scheduler's own series)
      return ok(
          prober.probe(
              (t.serverName() == null ? known : known.withServerName(t.serverName()))
                  .withProtocol(chosen != null ? chosen : known.protocol())
                  .withSource(ProbeSource.ADHOC),
              timeout));
    }
    if (allow.allowsHost(t.host())) {
      return ok(prober.probe(t, timeout));
    }
    InetAddress address = checkedAddress(t.host());
    if (address == null) {
      return new Outcome(
          403, "target not allowed: not configured, not in tls.probeEndpoint.allow", null);
    }
    return ok(prober.probe(t, timeout, address));
  }

  private static Outcome disabled() {
    return new Outcome(404, "the /probe endpoint is off (tls.probeEndpoint.enabled)", null);
  }

  private InetAddress checkedAddress(String host) {
    if (!allow.hasCidrs()) {
      return null;
    }
    try {
      InetAddress a =
          HostnameMatcher.isIpLiteral(host) ? InetAddress.ofLiteral(host) : resolver.resolve(host);
      return allow.allowsAddress(a) ? a : null;
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  Duration timeout(String header) {
    if (header == null || header.isBlank()) {
      return defaultTimeout;
    }
    try {
      double seconds = Double.parseDouble(header.strip());
      Duration d = Duration.ofMillis((long) (seconds * 1000)).minus(OFFSET);
      if (d.compareTo(Duration.ofMillis(100)) < 0) {
        return Duration.ofMillis(100);
      }
      return d.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : d;
    } catch (NumberFormatException e) {
      return defaultTimeout;
    }
  }

  /** The target as {@link ProbeTarget#parse} reads it, or null when it is not one. */
  static ProbeTarget parse(String target, String serverName) {
    if (target == null || target.contains(",")) {
      return null; // the server name comes only from its own parameter
    }
    try {
      String text = serverName == null || serverName.isEmpty() ? target : target + "," + serverName;
      ProbeTarget t = ProbeTarget.parse(text, ProbeSource.ADHOC);
      if (HostnameMatcher.isIpLiteral(t.host())) {
        InetAddress.ofLiteral(t.host()); // a malformed literal fails here, not at connect
      }
      return t;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Outcome ok(ProbeResult r) {
    return new Outcome(200, null, r);
  }
}
