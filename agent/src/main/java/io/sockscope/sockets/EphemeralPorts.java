package io.sockscope.sockets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.BitSet;

/**
 * The local ports {@code connect()} may pick: {@code net.ipv4.ip_local_port_range} minus {@code
 * net.ipv4.ip_local_reserved_ports} (both per network namespace). When every usable port is held
 * toward one (remote ip, remote port), TIME_WAIT included, {@code connect()} fails with
 * EADDRNOTAVAIL: exhaustion is per destination.
 */
public record EphemeralPorts(int low, int high, BitSet reserved) {

  /** Linux's default range, used when the sysctl files are absent (not Linux, no /proc). */
  public static final EphemeralPorts LINUX_DEFAULT = new EphemeralPorts(32768, 60999, new BitSet());

  public EphemeralPorts {
    reserved = (BitSet) reserved.clone();
  }

  public boolean contains(int port) {
    return port >= low && port <= high && !reserved.get(port);
  }

  /** Ports usable for connect(): the size of the range minus the reserved ports inside it. */
  public int usable() {
    int inRange = reserved.get(low, high + 1).cardinality();
    return high - low + 1 - inRange;
  }

  public static EphemeralPorts read(Path procRoot) throws IOException {
    Path range = procRoot.resolve("sys/net/ipv4/ip_local_port_range");
    Path reservedFile = procRoot.resolve("sys/net/ipv4/ip_local_reserved_ports");
    String r;
    try {
      r = readProc(range);
    } catch (NoSuchFileException e) {
      return LINUX_DEFAULT;
    }
    String res = Files.exists(reservedFile) ? readProc(reservedFile) : "";
    return parse(r, range.toString(), res, reservedFile.toString());
  }

  /**
   * Reads a procfs file to EOF. {@code Files.readString} trusts the size the file reports, which
   * is 0 for sysctl files, and comes back with a partial read.
   */
  static String readProc(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
    }
  }

  /** Parses "32768\t60999" and "1000,2000-2010" (the sysctls' formats). */
  static EphemeralPorts parse(String range, String rangeSource, String reserved, String reservedSource)
      throws ProcFormatException {
    String[] f = range.strip().split("\\s+");
    int low;
    int high;
    try {
      low = Integer.parseInt(f[0]);
      high = Integer.parseInt(f[1]);
    } catch (RuntimeException e) {
      throw new ProcFormatException(rangeSource, 1, "expected two port numbers", range);
    }
    if (low < 1 || high > 65535 || low > high) {
      throw new ProcFormatException(rangeSource, 1, "invalid range", range);
    }
    BitSet set = new BitSet(65536);
    String text = reserved.strip();
    if (!text.isEmpty()) {
      for (String part : text.split(",")) {
        try {
          int dash = part.indexOf('-');
          int a = Integer.parseInt(dash < 0 ? part.strip() : part.substring(0, dash).strip());
          int b = dash < 0 ? a : Integer.parseInt(part.substring(dash + 1).strip());
          set.set(a, b + 1);
        } catch (RuntimeException e) {
          throw new ProcFormatException(reservedSource, 1, "bad port or range '" + part + "'", reserved);
        }
      }
    }
    return new EphemeralPorts(low, high, set);
  }
}
