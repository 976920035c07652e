package io.sockscope;

import io.sockscope.config.AgentConfig;
import io.sockscope.config.Durations;
import io.sockscope.config.SocketsConfig;
import io.sockscope.metrics.SocketMetrics;
import io.sockscope.metrics.SocketStatus;
import io.sockscope.peers.PeerNames;
import io.sockscope.sockets.KernelCounters;
import io.sockscope.sockets.NetlinkSockDiag;
import io.sockscope.sockets.ProcfsSource;
import io.sockscope.sockets.SocketSampler;
import io.sockscope.sockets.SocketSource;
import io.sockscope.tls.ProbeSource;
import io.sockscope.tls.ProbeTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Socket sampling of the network namespace (docs/sockets.md): the {@code sockets:} section becomes
 * a source and a sampler; peers are named with {@code names}; in the roles that probe their peers
 * ({@code tls.peerTargets}), the established client endpoints on {@code tls.peerPorts} become TLS
 * targets of source {@code peer}. Ready after the first dump.
 */
final class SocketsFeature implements Feature {
  private static final System.Logger logger = System.getLogger(SocketsFeature.class.getName());

  private final AgentConfig config;
  private final PeerNames names;
  private final TlsFeature tls;

  /** Checks the socket tables now: a one-line error before any feature starts or logs. */
  SocketsFeature(AgentConfig config, PeerNames names, TlsFeature tls) {
    this.config = config;
    this.names = names;
    this.tls = tls;
    checkReadable(Path.of(config.procRoot()));
  }

  /**
   * Starts linking the netlink calls in the background when {@code config} will sample sockets
   * with netlink: called before the rest of the start-up so that both overlap.
   */
  static void prepare(AgentConfig config) {
    SocketsConfig.SourceKind kind = config.sockets().source();
    boolean netlink = kind == SocketsConfig.SourceKind.NETLINK
        || (kind == SocketsConfig.SourceKind.AUTO && Path.of(config.procRoot()).equals(Path.of("/proc")));
    if (config.sockets().enabled() && netlink && config.role() != io.sockscope.config.Role.INJECTOR
        && System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
      NetlinkSockDiag.linkInBackground();
    }
  }

  private static void checkReadable(Path procRoot) {
    try {
      KernelCounters.read(procRoot);
    } catch (IOException e) {
      throw new StartupException("cannot read the socket tables under " + procRoot + ": " + e.getMessage());
    }
  }

  @Override
  public void start(FeatureHost host) {
    Path procRoot = Path.of(config.procRoot());
    SocketSource source = openSource(procRoot);
    SocketsConfig s = config.sockets();
    AtomicReference<SocketSampler> holder = new AtomicReference<>();
    SocketMetrics metrics = new SocketMetrics(() -> holder.get().snapshot(), host.metrics().meters(), source.name());
    SocketSampler sampler = new SocketSampler(source,
        new SocketSampler.Settings(procRoot, s.counterInterval(), s.dumpInterval(), s.topPeers(), s.earlyDumpJump(),
            s.closeEventBufferOrOff()),
        metrics);
    holder.set(sampler);
    metrics.bindCounters(sampler);
    metrics.capListenPorts(s.maxListenPorts(), host.metrics().seriesCut());
    metrics.reportPeerCuts(host.metrics().seriesCut());
    host.metrics().register(metrics);
    host.closeOnStop(sampler);
    host.readiness().require("first socket dump", sampler::ready);
    host.snapshot("sockets", () -> SocketStatus.json(sampler.snapshot()));
    host.status(() -> StatusSections.sockets(sampler));
    if (names != PeerNames.NONE) {
      sampler.setPeerNamer(ip -> names.nameOf(ip).orElse(ip));
    }
    if (config.tls().peerTargetsFor(config.role())) {
      probePeers(sampler);
    }
    sampler.start();
    logger.log(System.Logger.Level.INFO, "sampling TCP sockets with " + source.name() + " every "
        + Durations.format(s.dumpInterval()) + " (counters every " + Durations.format(s.counterInterval()) + ")");
  }

  /**
   * The remote endpoints this pod holds ESTABLISHED client connections to on {@code
   * tls.peerPorts}, refreshed after every dump. A target stays while the pod talks to it; no SNI
   * (the sampler knows IPs, not names).
   */
  private void probePeers(SocketSampler sampler) {
    sampler.watchPorts(Set.copyOf(config.tls().peerPorts()));
    AtomicReference<List<String>> last = new AtomicReference<>(List.of());
    sampler.subscribe(snap -> {
      if (!snap.clientEndpoints().equals(last.getAndSet(snap.clientEndpoints()))) {
        tls.setTargets(ProbeSource.PEER, snap.clientEndpoints().stream()
            .map(hp -> ProbeTarget.parse(hp, ProbeSource.PEER)).toList());
      }
    });
    logger.log(System.Logger.Level.INFO, "TLS probes: peers on ports " + config.tls().peerPorts() + " become targets");
  }

  /**
   * The configured socket source. {@code auto} prefers netlink and falls back to procfs; netlink
   * always shows the agent's own network namespace, so a procRoot other than /proc (another
   * process's view, a fixture tree) means procfs.
   */
  private SocketSource openSource(Path procRoot) {
    SocketsConfig.SourceKind kind = config.sockets().source();
    if (kind == SocketsConfig.SourceKind.NETLINK) {
      try {
        return NetlinkSockDiag.open();
      } catch (IOException e) {
        throw new StartupException("sockets.source: netlink: " + e.getMessage());
      }
    }
    if (kind == SocketsConfig.SourceKind.AUTO && procRoot.equals(Path.of("/proc"))) {
      var netlink = NetlinkSockDiag.tryOpen();
      if (netlink.isPresent()) {
        return netlink.get();
      }
    }
    // Readable is enough here: the first dump follows at once and counts a malformed table.
    try (var in = Files.newInputStream(procRoot.resolve("net/tcp"))) {
      in.read();
    } catch (IOException e) {
      throw new StartupException("cannot read the socket tables under " + procRoot + ": " + e.getMessage());
    }
    return new ProcfsSource(procRoot);
  }
}
