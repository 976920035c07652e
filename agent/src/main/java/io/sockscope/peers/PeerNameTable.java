package io.sockscope.peers;

import io.sockscope.util.CappedLines;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The address → Service map the namespace prober publishes and the sidecars read: one line per
 * address, {@code IP NAME}, sorted, after a header line. Plain text so the sidecar parses it with
 * the JDK alone (no YAML or JSON library in a pod's sidecar), and a diff of two versions reads.
 *
 * <p>Bounded: a ConfigMap holds at most 1 MiB (etcd's object limit), so {@link #format} stops at
 * {@code maxEntries} or {@link #MAX_BYTES}, whichever comes first, and reports what it cut.
 */
public record PeerNameTable(Map<String, String> names) implements PeerNames {
  public static final String HEADER = "# sockscope peer names v1: <ip> <service>.<namespace>";
  /** Below the 1 MiB ConfigMap limit with room for metadata and the managedFields. */
  public static final int MAX_BYTES = 900 * 1024;
  /** The key of the ConfigMap and so the file's name in the mounted directory. */
  public static final String KEY = "peers";

  public static final PeerNameTable EMPTY = new PeerNameTable(Map.of());

  public PeerNameTable {
    names = Map.copyOf(names);
  }

  @Override
  public Optional<String> nameOf(String ip) {
    return names.isEmpty() ? Optional.empty() : normalize(ip).map(names::get);
  }

  public int size() {
    return names.size();
  }

  /** The file text: sorted by address, at most {@code maxEntries} entries and {@link #MAX_BYTES}. */
  public CappedLines format(int maxEntries) {
    List<String> lines = new TreeMap<>(names).entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue()).toList();
    return CappedLines.of(HEADER, lines, maxEntries, MAX_BYTES);
  }

  /**
   * Parses a published file. Strict: any line that is not {@code IP NAME} makes the whole file
   * malformed (a half-read table would name some peers and silently not others).
   */
  public static PeerNameTable parse(String text) {
    Map<String, String> out = new TreeMap<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] parts = l.split("\\s+");
      int lineNo = n;
      if (parts.length != 2) {
        throw new IllegalArgumentException("line " + lineNo + ": expected '<ip> <service>.<namespace>'");
      }
      String ip = normalize(parts[0]).orElseThrow(
          () -> new IllegalArgumentException("line " + lineNo + ": not an IP address: '" + parts[0] + "'"));
      out.put(ip, parts[1]);
    }
    return new PeerNameTable(out);
  }

  /** One spelling per address ("fd00::1" and "fd00:0:0:0:0:0:0:1" are the same peer). */
  public static Optional<String> normalize(String ip) {
    if (ip == null || ip.isBlank() || ip.equals("None")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.ofLiteral(ip.trim()).getHostAddress());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
