package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.TlsConfig;
import io.sockscope.config.TlsTargetConfig;
import io.sockscope.metrics.ProbeEndpoint;
import io.sockscope.metrics.TlsMetrics;
import io.sockscope.tls.AdhocProbe;
import io.sockscope.tls.AllowList;
import io.sockscope.tls.ProbeScheduler;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import io.sockscope.tls.TlsProber;
import io.sockscope.tls.TrustAnchors;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * TLS probes (docs/architecture.md): the {@code tls:} section becomes a prober and a scheduler
 * with the static targets; other features add theirs by source with {@link #setTargets} (peer,
 * service, ingress). Serves {@code /probe}. Probes never affect readiness.
 */
final class TlsFeature implements Feature {
  private static final System.Logger logger = System.getLogger(TlsFeature.class.getName());

  private final TlsConfig config;
  private final TrustAnchors anchors;
  private final TlsProber prober;
  private final ProbeScheduler scheduler;
  private final List<ProbeTarget> statics;

  /** Checks the configuration (trust anchors, target files) now: a one-line error at start-up. */
  TlsFeature(AgentConfig agent) {
    this.config = agent.tls();
    try {
      anchors = TrustAnchors.load(config.caFiles().stream().map(Path::of).toList(),
          TrustAnchors.SERVICE_ACCOUNT_CA);
    } catch (IOException | GeneralSecurityException e) {
      throw new StartupException("tls.caFiles: cannot load trust anchors: " + e.getMessage(), e);
    }
    statics = config.targets().stream().map(TlsFeature::probeTarget).toList();
    prober = new TlsProber(anchors, Clock.systemUTC());
    scheduler = new ProbeScheduler(prober::probe, config.interval(), config.timeout(),
        config.concurrency(), Clock.systemUTC(), config.maxTargets());
  }

  @Override
  public void start(FeatureHost host) {
    host.closeOnStop(prober);
    host.closeOnStop(scheduler);
    TlsMetrics.bind(scheduler, host.metrics(), config.maxDnsNamesLength());
    scheduler.setTargets(ProbeSource.STATIC, statics);
    host.snapshot("tls", scheduler::summaries);
    host.status(() -> StatusSections.tls(scheduler.summaries()));
    host.serveProbe(new ProbeEndpoint(new AdhocProbe(config.probeEndpoint().enabled(), prober,
        statics, AllowList.parse(config.probeEndpoint().allow()), config.timeout(),
        InetAddress::getByName, config.probeEndpoint().maxConcurrent())));
    logger.log(System.Logger.Level.INFO, "TLS probes: " + statics.size() + " static target(s), "
        + anchors.size() + " trust anchors");
  }

  /** Replaces the targets of one source ({@code peer}, {@code service}, {@code ingress}). */
  void setTargets(ProbeSource source, List<ProbeTarget> targets) {
    scheduler.setTargets(source, targets);
  }

  ProbeScheduler scheduler() {
    return scheduler;
  }

  /** The prober, for one-off probes outside the scheduler (the pod's own port). */
  TlsProber prober() {
    return prober;
  }

  /** Files are checked here, at start-up (a one-line error), not at the first probe. */
  private static ProbeTarget probeTarget(TlsTargetConfig t) {
    for (String f : Arrays.asList(t.caFile(), t.clientCert(), t.clientKey())) {
      if (f != null && !Files.isReadable(Path.of(f))) {
        throw new StartupException("tls.targets (" + t.address() + "): cannot read '" + f + "'");
      }
    }
    return t.target();
  }
}
