package io.sockscope.config;

import java.time.Duration;

/**
 * {@code sockets:} section. Tier 0 reads the kernel counters every {@code counterInterval}; tier 1
 * dumps every socket every {@code dumpInterval} (and early when tier 0 shows a jump).
 */
public record SocketsConfig(
    Boolean enabled,
    SourceKind source,
    Duration counterInterval,
    Duration dumpInterval,
    Integer topPeers,
    Double earlyDumpJump,
    Integer maxListenPorts,
    Boolean closeEvents,
    Integer closeEventBuffer) {

  public enum SourceKind {
    AUTO,
    NETLINK,
    PROCFS;

    public static SourceKind parse(String s) {
      for (SourceKind k : values()) {
        if (k.name().equalsIgnoreCase(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException("expected auto, netlink or procfs, got '" + s + "'");
    }
  }

  public SocketsConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    source = source == null ? SourceKind.AUTO : source;
    counterInterval = counterInterval == null ? Duration.ofSeconds(2) : counterInterval;
    dumpInterval = dumpInterval == null ? Duration.ofSeconds(10) : dumpInterval;
    topPeers = topPeers == null ? 20 : topPeers;
    earlyDumpJump = earlyDumpJump == null ? 0.2 : earlyDumpJump;
    maxListenPorts = maxListenPorts == null ? 64 : maxListenPorts;
    closeEvents = closeEvents == null ? Boolean.TRUE : closeEvents;
    closeEventBuffer = closeEventBuffer == null ? 4 * 1024 * 1024 : closeEventBuffer;
  }

  /** The destroy-event receive buffer the sampler asks for, or 0 when close events are off. */
  public int closeEventBufferOrOff() {
    return closeEvents ? closeEventBuffer : 0;
  }

  public static SocketsConfig defaults() {
    return new SocketsConfig(null, null, null, null, null, null, null, null, null);
  }

  /** Tier 0 reads a few small files (~25 µs); a dump costs 51–97 ms at 100k sockets. */
  static final Duration MIN_COUNTER_INTERVAL = Duration.ofMillis(100);
  static final Duration MAX_COUNTER_INTERVAL = Duration.ofMinutes(1);
  static final Duration MIN_DUMP_INTERVAL = Duration.ofSeconds(1);
  /** Well under TIME_WAIT's 60 s, so that every locally closed socket is seen by a dump. */
  static final Duration MAX_DUMP_INTERVAL = Duration.ofSeconds(30);

  void validate(Validation v) {
    v.duration("sockets.counterInterval", counterInterval, MIN_COUNTER_INTERVAL, MAX_COUNTER_INTERVAL);
    v.duration("sockets.dumpInterval", dumpInterval, MIN_DUMP_INTERVAL, MAX_DUMP_INTERVAL);
    v.range("sockets.topPeers", topPeers, 1, 1000);
    v.range("sockets.maxListenPorts", maxListenPorts, 1, 65_535);
    v.range("sockets.closeEventBuffer", closeEventBuffer, 4096, 256 * 1024 * 1024);
    if (!(earlyDumpJump > 0)) {
      v.fail("sockets.earlyDumpJump", "must be > 0 (got " + earlyDumpJump + ")");
    }
  }
}
