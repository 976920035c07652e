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
    Integer maxListenPorts) {

  public enum SourceKind {
    AUTO,
    NETLINK,
    PROCFS;

    @com.fasterxml.jackson.annotation.JsonCreator
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
  }

  public static SocketsConfig defaults() {
    return new SocketsConfig(null, null, null, null, null, null, null);
  }

  void validate() {
    Validation.positive("sockets.counterInterval", counterInterval);
    Validation.positive("sockets.dumpInterval", dumpInterval);
    Validation.range("sockets.topPeers", topPeers, 1, 1000);
    Validation.range("sockets.maxListenPorts", maxListenPorts, 1, 65_535);
    if (!(earlyDumpJump > 0)) {
      throw new ConfigException("sockets.earlyDumpJump: must be > 0 (got " + earlyDumpJump + ")");
    }
  }
}
