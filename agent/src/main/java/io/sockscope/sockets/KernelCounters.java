package io.sockscope.sockets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Tier 0: the per-namespace kernel counters, ~25 µs per read. {@code /proc/net/snmp} ("Tcp:")
 * and {@code /proc/net/netstat} ("TcpExt:") are header/value line pairs; {@code
 * /proc/net/sockstat}'s "TCP:" line gives {@code inuse} and {@code tw}. Of sockstat only those two
 * are per network namespace (Linux ≥ 4.11); {@code orphan}, {@code alloc} and {@code mem} are
 * node-wide and are deliberately not read.
 */
public final class KernelCounters {
  // String.split compiles a regex of more than one character on every call; this runs every 2 s.
  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile(" +");

  private KernelCounters() {}

  /** One read of the three files. Counter values are cumulative since the namespace was made. */
  public record Sample(long inUse, long timeWait, Map<KernelEvent, Long> events) {
    public Sample {
      events = Map.copyOf(events);
    }

    public long get(KernelEvent e) {
      return events.getOrDefault(e, 0L);
    }

    /** Every TIME_WAIT entry: made (TcpExt TW) or refused for want of room (TCPTimeWaitOverflow). */
    public long timeWaitEntries() {
      return get(KernelEvent.TIME_WAIT_ENTERED) + get(KernelEvent.TIME_WAIT_OVERFLOW);
    }
  }

  /** {@link Sample#timeWaitEntries()} alone: one file read, for a dump that needs only that. */
  public static long timeWaitEntries(Path procRoot) throws IOException {
    Map<String, Long> ext = pairs(procRoot.resolve("net/netstat"), "TcpExt:");
    return ext.getOrDefault(KernelEvent.TIME_WAIT_ENTERED.field(), 0L)
        + ext.getOrDefault(KernelEvent.TIME_WAIT_OVERFLOW.field(), 0L);
  }

  public static Sample read(Path procRoot) throws IOException {
    Map<String, Long> tcp = pairs(procRoot.resolve("net/snmp"), "Tcp:");
    Map<String, Long> ext = pairs(procRoot.resolve("net/netstat"), "TcpExt:");
    long[] sockstat = sockstat(procRoot.resolve("net/sockstat"));
    Map<KernelEvent, Long> events = new java.util.EnumMap<>(KernelEvent.class);
    for (KernelEvent e : KernelEvent.values()) {
      Long v = (e.group() == KernelEvent.Group.TCP ? tcp : ext).get(e.field());
      if (v != null) {
        events.put(e, v);
      }
    }
    return new Sample(sockstat[0], sockstat[1], events);
  }

  /** Parses the header/value line pair that starts with {@code prefix} (e.g. "Tcp:"). */
  static Map<String, Long> pairs(Path file, String prefix) throws IOException {
    return pairs(readLines(file), file.toString(), prefix);
  }

  static Map<String, Long> pairs(List<String> lines, String source, String prefix) throws ProcFormatException {
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).startsWith(prefix)) {
        continue;
      }
      if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith(prefix)) {
        throw new ProcFormatException(source, i + 1, "header without a value line", lines.get(i));
      }
      String[] names = SPACES.split(lines.get(i));
      String[] values = SPACES.split(lines.get(i + 1));
      if (names.length != values.length) {
        throw new ProcFormatException(source, i + 2, names.length + " names but " + values.length + " values", lines.get(i + 1));
      }
      Map<String, Long> out = new HashMap<>();
      for (int k = 1; k < names.length; k++) {
        try {
          out.put(names[k], Long.parseLong(values[k]));
        } catch (NumberFormatException e) {
          throw new ProcFormatException(source, i + 2, "bad value for " + names[k], lines.get(i + 1));
        }
      }
      return out;
    }
    throw new ProcFormatException(source, "no '" + prefix + "' lines");
  }

  /** {@code [inuse, tw]} from the "TCP:" line. */
  static long[] sockstat(Path file) throws IOException {
    return sockstat(readLines(file), file.toString());
  }

  static long[] sockstat(List<String> lines, String source) throws ProcFormatException {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (!line.startsWith("TCP:")) {
        continue;
      }
      String[] f = SPACES.split(line);
      long inUse = -1;
      long tw = -1;
      for (int k = 1; k + 1 < f.length; k += 2) {
        try {
          if (f[k].equals("inuse")) {
            inUse = Long.parseLong(f[k + 1]);
          } else if (f[k].equals("tw")) {
            tw = Long.parseLong(f[k + 1]);
          }
        } catch (NumberFormatException e) {
          throw new ProcFormatException(source, i + 1, "bad value for " + f[k], line);
        }
      }
      if (inUse < 0 || tw < 0) {
        throw new ProcFormatException(source, i + 1, "TCP line without inuse or tw", line);
      }
      return new long[] {inUse, tw};
    }
    throw new ProcFormatException(source, "no 'TCP:' line");
  }

  private static List<String> readLines(Path file) throws IOException {
    try {
      return EphemeralPorts.readProc(file).lines().toList();
    } catch (NoSuchFileException e) {
      throw new ProcFormatException(file.toString(), "no such file");
    }
  }
}
