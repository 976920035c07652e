package io.sockscope.tls;

import io.sockscope.util.CappedLines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The leaf certificate of every Secret key of the namespace, as public facts only: the SHA-256
 * fingerprint and the notAfter. The namespace prober publishes it beside the peer names (key
 * {@link #KEY} of the same ConfigMap, docs/architecture.md) and a sidecar compares it with the
 * files its pod mounts and with what the pod serves (docs/sidecar.md, "Certificate files"). Never
 * a key, a password or the certificate itself: a fingerprint and a date say enough to compare.
 *
 * <p>One line per Secret key, {@code SECRET KEY SHA256 NOT_AFTER_EPOCH_SECONDS}, sorted, after a
 * header line: plain text, so a sidecar parses it with the JDK alone. Bounded by {@code maxEntries}
 * and {@link #MAX_BYTES}: with the peer table's 900 KiB the ConfigMap stays below its 1 MiB limit.
 */
public record SecretFingerprints(Map<String, Leaf> leaves) {
  public static final String HEADER =
      "# sockscope secret certificates v1: <secret> <key> <leaf sha256> <leaf notAfter, epoch s>";
  /** The ConfigMap key, and so the file's name in the mounted directory. */
  public static final String KEY = "certificates";
  /** 1 MiB minus the peer table's 900 KiB, with room for metadata. */
  public static final int MAX_BYTES = 96 * 1024;
  public static final SecretFingerprints EMPTY = new SecretFingerprints(Map.of());

  private static final Pattern NAME = Pattern.compile("[-._a-zA-Z0-9]+");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** The leaf of one Secret key. */
  public record Leaf(String secret, String key, String fingerprintSha256, Instant notAfter) {
    String id() {
      return id(secret, key);
    }

    static String id(String secret, String key) {
      return secret + "/" + key;
    }
  }

  public SecretFingerprints {
    leaves = Map.copyOf(leaves);
  }

  public static SecretFingerprints of(List<Leaf> leaves) {
    Map<String, Leaf> m = new TreeMap<>();
    leaves.forEach(l -> m.put(l.id(), l));
    return new SecretFingerprints(m);
  }

  public Optional<Leaf> get(String secret, String key) {
    return Optional.ofNullable(leaves.get(Leaf.id(secret, key)));
  }

  public int size() {
    return leaves.size();
  }

  /** Sorted by Secret then key, at most {@code maxEntries} lines and {@link #MAX_BYTES}. */
  public CappedLines format(int maxEntries) {
    List<String> lines = leaves.values().stream()
        .sorted(Comparator.comparing(Leaf::secret).thenComparing(Leaf::key))
        .map(l -> l.secret() + " " + l.key() + " " + l.fingerprintSha256() + " "
            + l.notAfter().getEpochSecond())
        .toList();
    return CappedLines.of(HEADER, lines, maxEntries, MAX_BYTES);
  }

  /**
   * Parses a published file. Strict, as the peer table: one bad line makes the whole version
   * malformed, and the reader keeps its last good copy.
   */
  public static SecretFingerprints parse(String text) {
    List<Leaf> out = new ArrayList<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] p = l.split("\\s+");
      if (p.length != 4 || !NAME.matcher(p[0]).matches() || !NAME.matcher(p[1]).matches()
          || !SHA256.matcher(p[2]).matches() || !p[3].matches("-?\\d{1,12}")) {
        throw new IllegalArgumentException(
            "line " + n + ": expected '<secret> <key> <sha256> <notAfter epoch seconds>'");
      }
      out.add(new Leaf(p[0], p[1], p[2], Instant.ofEpochSecond(Long.parseLong(p[3]))));
    }
    return of(out);
  }
}
