package io.sockscope.sockets;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds the sockets of one dump into a {@link SocketSnapshot} without keeping them: counts by
 * family/state/role, per-destination counts, listen queues, and the close tracker's sightings.
 *
 * <p>Roles need the namespace's LISTEN ports before the other sockets: both sources deliver a
 * family's listeners first (the kernel walks the listening hash before the established hash, in
 * {@code tcp_seq_start} and in {@code inet_diag_dump_icsk}), and recent dumps' listeners are
 * remembered for the rest.
 *
 * <p>Per-destination counts live in a space-saving summary of {@link #DESTINATIONS} entries, so
 * memory does not grow with the number of distinct destinations (a gateway or a crawler talks to
 * tens of thousands). Up to that many destinations per dump every count is exact; beyond, a
 * destination's count is a lower bound short by at most (sockets in the dump) / {@link
 * #DESTINATIONS}, and a destination holding more than that share is never missed. Totals
 * (and so {@code other}) are exact.
 */
public final class SocketAggregator implements SocketSink {
  /** Bound on the endpoints kept for peer-derived TLS targets: a pod with more is a proxy. */
  // A memory guard only: tls.maxTargets (256 by default) chooses which peers are probed and counts
  // the rest in sockscope_series_cut, so the sampler hands over far more than that.
  static final int MAX_ENDPOINTS = 4096;

  private final CloseTracker tracker;
  private EphemeralPorts ephemeral = EphemeralPorts.LINUX_DEFAULT;
  private final BitSet listening = new BitSet(65536);
  // Ports that listened recently, with when they were last seen listening. A server's socket
  // outlives its listener by TIME_WAIT's 60 s; remembering the port for 120 s keeps such sockets
  // "server" instead of turning them into "client" sockets whose local port happens to be
  // ephemeral (a ServerSocket(0) listens on an ephemeral port).
  private final Map<Integer, Long> listenedRecently = new HashMap<>();
  // The same ports as a bit set: roleOf runs for every socket of a dump, and a map lookup boxes.
  private final BitSet listenedRecentlyPorts = new BitSet(65536);
  static final long LISTENER_MEMORY_SECONDS = 120;
  private final int[] counts = new int[2 * SocketSnapshot.STATES * SocketSnapshot.ROLES];
  /** Distinct destinations counted exactly per dump; beyond, heavy hitters (see the class doc). */
  static final int DESTINATIONS = 8192;
  private static final int DETAIL = SocketSnapshot.STATES * SocketSnapshot.ROLES + 1;
  private final SpaceSaving<PeerKey> peers = new SpaceSaving<>(DESTINATIONS, DETAIL);
  private final long[] peerTotals = new long[DETAIL];
  private final Map<Integer, long[]> listenQueues = new TreeMap<>();
  private final long[] closeWaitFirstSeen = new long[SocketSnapshot.ROLES];
  private java.util.Set<Integer> watchedPorts = java.util.Set.of();
  private long scanned;
  private long now;
  private boolean listenLimits;

  /** Remote ports whose client connections are reported as endpoints (TLS peer-derived targets). */
  public void watchPorts(java.util.Set<Integer> ports) {
    watchedPorts = java.util.Set.copyOf(ports);
  }

  public SocketAggregator(CloseTracker tracker) {
    this.tracker = tracker;
  }

  /** A remote endpoint: address and the port that names the service (see {@link #accept}). */
  private record PeerKey(int family, long hi, long lo, int port) {
    // Written out: a record's own equals and hashCode run through an invokedynamic method-handle
    // chain that C1, the sidecar's only compiler, does not inline, and this key is hashed for
    // every socket of every dump (docs/performance.md, "Where the sidecar's CPU goes").
    @Override
    public boolean equals(Object o) {
      return o instanceof PeerKey k && k.hi == hi && k.lo == lo && k.port == port && k.family == family;
    }

    @Override
    public int hashCode() {
      return (Long.hashCode(hi) * 31 + Long.hashCode(lo)) * 31 + port * 7 + family;
    }
  }

  /** Starts a dump from a source without accept-queue limits (procfs). */
  public void begin(long nowSeconds, EphemeralPorts ports) {
    begin(nowSeconds, ports, false);
  }

  /** Starts a dump; {@code listenLimits}: the source's LISTEN rows carry the backlog. */
  public void begin(long nowSeconds, EphemeralPorts ports, boolean listenLimits) {
    now = nowSeconds;
    this.listenLimits = listenLimits;
    ephemeral = ports;
    listening.stream().forEach(p -> listenedRecently.put(p, now));
    listenedRecently.values().removeIf(seen -> now - seen > LISTENER_MEMORY_SECONDS);
    listenedRecentlyPorts.clear();
    listenedRecently.keySet().forEach(listenedRecentlyPorts::set);
    listening.clear();
    java.util.Arrays.fill(counts, 0);
    java.util.Arrays.fill(closeWaitFirstSeen, Long.MAX_VALUE);
    peers.clear();
    java.util.Arrays.fill(peerTotals, 0);
    listenQueues.clear();
    scanned = 0;
    tracker.begin(nowSeconds);
  }

  @Override
  public void accept(SocketRow row) {
    scanned++;
    int state = row.state == TcpState.NEW_SYN_RECV.code() ? TcpState.SYN_RECV.code() : row.state;
    TcpState tcpState = TcpState.ofCode(state);
    if (tcpState == null) {
      return;
    }
    // The family label follows the address, not the socket: an IPv4 connection on a dual-stack
    // (AF_INET6) socket has IPv4-mapped addresses and counts as ipv4, which is what an SRE means.
    int family = row.family == SocketRow.AF_INET6 && !ipv4Mapped(row) ? 1 : 0;
    if (tcpState == TcpState.LISTEN) {
      listening.set(row.localPort);
      counts[SocketSnapshot.index(family, state, SocketRole.SERVER.ordinal())]++;
      long[] q = listenQueues.computeIfAbsent(row.localPort, p -> new long[] {0, 0});
      q[0] += row.rxQueue;
      q[1] = listenLimits ? q[1] + row.txQueue : -1;
      return;
    }
    SocketRole role = roleOf(row.localPort);
    long firstSeen = tracker.observe(row, tcpState, role);
    if (firstSeen == CloseTracker.DUPLICATE) {
      scanned--;
      return;
    }
    counts[SocketSnapshot.index(family, state, role.ordinal())]++;
    if (tcpState == TcpState.CLOSE_WAIT && firstSeen < closeWaitFirstSeen[role.ordinal()]) {
      closeWaitFirstSeen[role.ordinal()] = firstSeen;
    }
    if (row.remoteUnspecified()) {
      return; // bound but never connected (CLOSE): no peer, no port held toward anyone
    }
    // For a server socket the remote port is the client's ephemeral port: meaningless and
    // unbounded. The service port is the local one.
    int port = role == SocketRole.SERVER ? row.localPort : row.remotePort;
    long[] c = peers.offer(new PeerKey(row.family, row.remoteHi, row.remoteLo, port), 1).detail();
    int i = state * SocketSnapshot.ROLES + role.ordinal();
    c[i]++;
    peerTotals[i]++;
    if (role == SocketRole.CLIENT) {
      c[DETAIL - 1]++; // an ephemeral port held toward this destination
      peerTotals[DETAIL - 1]++;
    }
  }

  private static boolean ipv4Mapped(SocketRow row) {
    return row.localHi == 0 && (row.localLo >>> 32) == 0xFFFFL;
  }

  SocketRole roleOf(int localPort) {
    if (listening.get(localPort) || listenedRecentlyPorts.get(localPort)) {
      return SocketRole.SERVER;
    }
    return ephemeral.contains(localPort) ? SocketRole.CLIENT : SocketRole.OTHER;
  }

  /** ESTABLISHED count per role in the dump being aggregated (for the unknown-close reconcile). */
  long[] established() {
    long[] out = new long[SocketSnapshot.ROLES];
    for (int f = 0; f < 2; f++) {
      for (int r = 0; r < SocketSnapshot.ROLES; r++) {
        out[r] += counts[SocketSnapshot.index(f, TcpState.ESTABLISHED.code(), r)];
      }
    }
    return out;
  }

  /** Open connections per role (SYN_SENT to LAST_ACK, TIME_WAIT and LISTEN excluded). */
  long[] open() {
    long[] out = new long[SocketSnapshot.ROLES];
    for (TcpState st : TcpState.values()) {
      if (st == TcpState.TIME_WAIT || st == TcpState.LISTEN || st == TcpState.CLOSE
          || st == TcpState.SYN_RECV || st == TcpState.NEW_SYN_RECV) {
        continue;
      }
      for (int f = 0; f < 2; f++) {
        for (int r = 0; r < SocketSnapshot.ROLES; r++) {
          out[r] += counts[SocketSnapshot.index(f, st.code(), r)];
        }
      }
    }
    return out;
  }

  /** Ends the dump for the close tracker (vanished sockets, destroy events); then {@link #build}. */
  void endDump() {
    tracker.end(port -> roleOf(port));
  }

  /** Builds the snapshot of the ended dump; peers beyond the top {@code topK} go to "other". */
  SocketSnapshot build(String source, long durationNanos, PeerNamer namer, int topK) {
    return build(source, durationNanos, namer, topK, null, SocketSnapshot.CloseEvents.DISABLED);
  }

  SocketSnapshot build(String source, long durationNanos, PeerNamer namer, int topK,
      DestinationCloses destinations, SocketSnapshot.CloseEvents events) {
    Map<List<Object>, long[]> named = new HashMap<>();
    for (SpaceSaving.Entry<PeerKey> e : peers.entries()) {
      PeerKey k = e.key();
      String name = namer.name(Addresses.text(k.family(), k.hi(), k.lo()));
      long[] sum = named.computeIfAbsent(List.of(name, k.port()), x -> new long[DETAIL]);
      for (int i = 0; i < sum.length; i++) {
        sum[i] += e.detail()[i];
      }
    }
    int usable = ephemeral.usable();
    // A lower bound, exact while the dump had at most DESTINATIONS destinations (see class doc).
    long maxInUse = named.values().stream().mapToLong(c -> c[DETAIL - 1]).max().orElse(0);
    double[] oldest = new double[SocketSnapshot.ROLES];
    for (int r = 0; r < oldest.length; r++) {
      oldest[r] = closeWaitFirstSeen[r] == Long.MAX_VALUE ? 0 : Math.max(0, now - closeWaitFirstSeen[r]);
    }
    List<SocketSnapshot.ListenQueue> queues = new ArrayList<>();
    listenQueues.forEach((port, q) -> queues.add(new SocketSnapshot.ListenQueue(port, q[0], q[1])));
    long[] closes = new long[CloseInitiator.values().length * SocketSnapshot.ROLES];
    for (CloseInitiator i : CloseInitiator.values()) {
      for (SocketRole r : SocketRole.values()) {
        closes[i.ordinal() * SocketSnapshot.ROLES + r.ordinal()] = tracker.closes(i, r);
      }
    }
    // Destinations beyond the summary's room are not told apart: count each replacement once.
    long distinct = named.size() + peers.replaced();
    long withPorts = named.values().stream().filter(c -> c[DETAIL - 1] > 0).count() + peers.replaced();
    var cut = new SocketSnapshot.SeriesCut(Math.max(0, distinct - topK), Math.max(0, withPorts - topK),
        destinations == null ? 0 : destinations.cutLastInterval());
    return new SocketSnapshot(System.currentTimeMillis(), source, scanned, durationNanos,
        counts.clone(), topPeers(named, topK, peerTotals), topEphemeral(named, topK, peerTotals[DETAIL - 1]), usable,
        usable == 0 ? 0 : (double) maxInUse / usable, oldest, List.copyOf(queues), closes,
        clientEndpoints(), destinations == null ? List.of() : destinations.snapshot(namer), events, cut);
  }

  /**
   * HOST:PORT of the destinations with an ESTABLISHED client connection to a watched port, sorted,
   * at most {@link #MAX_ENDPOINTS}: read off the per-destination counts once per dump rather than
   * formatted for every socket (a pool of 10k connections to one service is one endpoint).
   */
  private List<String> clientEndpoints() {
    if (watchedPorts.isEmpty()) {
      return List.of();
    }
    int established = TcpState.ESTABLISHED.code() * SocketSnapshot.ROLES + SocketRole.CLIENT.ordinal();
    java.util.TreeSet<String> out = new java.util.TreeSet<>();
    for (SpaceSaving.Entry<PeerKey> e : peers.entries()) {
      PeerKey k = e.key(); // a client socket's key carries its remote port
      if (e.detail()[established] > 0 && watchedPorts.contains(k.port())) {
        String ip = Addresses.text(k.family(), k.hi(), k.lo());
        out.add(io.sockscope.util.HostPortText.format(ip, k.port()));
      }
    }
    return out.stream().limit(MAX_ENDPOINTS).toList();
  }

  /** The top K destinations; {@code other} is the exact total minus what they show. */
  private static List<SocketSnapshot.PeerSockets> topPeers(Map<List<Object>, long[]> named, int topK, long[] totals) {
    List<Map.Entry<List<Object>, long[]>> sorted = sortedBy(named, c -> total(c));
    long[] other = totals.clone();
    List<SocketSnapshot.PeerSockets> out = new ArrayList<>();
    for (int i = 0; i < sorted.size() && i < topK; i++) {
      long[] c = sorted.get(i).getValue();
      emit(out, (String) sorted.get(i).getKey().get(0), String.valueOf(sorted.get(i).getKey().get(1)), c);
      for (int k = 0; k < c.length; k++) {
        other[k] -= c[k];
      }
    }
    if (total(other) > 0) {
      emit(out, "other", "other", other);
    }
    return List.copyOf(out);
  }

  private static void emit(List<SocketSnapshot.PeerSockets> out, String peer, String port, long[] c) {
    for (int s = 0; s < SocketSnapshot.STATES; s++) {
      for (int r = 0; r < SocketSnapshot.ROLES; r++) {
        long n = c[s * SocketSnapshot.ROLES + r];
        if (n > 0) {
          out.add(new SocketSnapshot.PeerSockets(peer, port, TcpState.ofCode(s).label(), SocketRole.of(r).label(), n));
        }
      }
    }
  }

  private static List<SocketSnapshot.PortsInUse> topEphemeral(Map<List<Object>, long[]> named, int topK, long total) {
    List<Map.Entry<List<Object>, long[]>> sorted = sortedBy(named, c -> c[c.length - 1]);
    List<SocketSnapshot.PortsInUse> out = new ArrayList<>();
    long other = total;
    for (int i = 0; i < sorted.size() && i < topK; i++) {
      long inUse = sorted.get(i).getValue()[sorted.get(i).getValue().length - 1];
      if (inUse == 0) {
        break;
      }
      var k = sorted.get(i).getKey();
      out.add(new SocketSnapshot.PortsInUse((String) k.get(0), String.valueOf(k.get(1)), inUse));
      other -= inUse;
    }
    if (other > 0) {
      out.add(new SocketSnapshot.PortsInUse("other", "other", other));
    }
    return List.copyOf(out);
  }

  private static List<Map.Entry<List<Object>, long[]>> sortedBy(
      Map<List<Object>, long[]> named, java.util.function.ToLongFunction<long[]> weight) {
    // Heaviest first; ties by name so the chosen top K is stable between scrapes. Weight and name
    // are computed once per entry, not per comparison: formatting the name in the comparator made
    // this sort the sampler's largest allocation (docs/performance.md, "The lean sidecar").
    List<Ranked> ranked = new ArrayList<>(named.size());
    for (Map.Entry<List<Object>, long[]> e : named.entrySet()) {
      ranked.add(new Ranked(weight.applyAsLong(e.getValue()), e.getKey().toString(), e));
    }
    ranked.sort(Comparator.comparingLong(Ranked::negWeight).thenComparing(Ranked::name));
    List<Map.Entry<List<Object>, long[]>> sorted = new ArrayList<>(ranked.size());
    for (Ranked r : ranked) {
      sorted.add(r.entry());
    }
    return sorted;
  }

  private record Ranked(long weight, String name, Map.Entry<List<Object>, long[]> entry) {
    long negWeight() {
      return -weight;
    }
  }

  private static long total(long[] c) {
    long n = 0;
    for (int i = 0; i < c.length - 1; i++) {
      n += c[i];
    }
    return n;
  }
}
