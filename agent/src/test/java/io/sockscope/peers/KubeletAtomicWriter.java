package io.sockscope.peers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes a ConfigMap volume the way the kubelet does (k8s.io/kubernetes pkg/volume/util
 * atomic_writer.go): the payload goes into a fresh hidden directory named after the time
 * ({@code ..2026_12_01_02_21_00.123456789}), a symlink {@code ..data_tmp} to it is renamed over
 * {@code ..data} (the one atomic step), each key is a symlink {@code key -> ..data/key} created
 * once, and the previous timestamped directory is removed afterwards.
 */
public final class KubeletAtomicWriter {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss");
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final Path dir;

  public KubeletAtomicWriter(Path dir) {
    this.dir = dir;
  }

  public void write(Map<String, String> payload) throws IOException {
    write(payload, Map.of());
  }

  /** Text keys ({@code data}) and binary keys ({@code binaryData}, or a Secret's keystores). */
  public void write(Map<String, String> payload, Map<String, byte[]> binary) throws IOException {
    Files.createDirectories(dir);
    Path data = dir.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    String name = ".." + LocalDateTime.now().format(STAMP) + "." + (100_000_000 + SEQ.incrementAndGet());
    Path ts = Files.createDirectory(dir.resolve(name));
    for (var e : payload.entrySet()) {
      Files.writeString(ts.resolve(e.getKey()), e.getValue());
    }
    for (var e : binary.entrySet()) {
      Files.write(ts.resolve(e.getKey()), e.getValue());
    }
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(name));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    var keys = new java.util.TreeSet<>(payload.keySet());
    keys.addAll(binary.keySet());
    for (String key : keys) {
      Path link = dir.resolve(key);
      if (!Files.isSymbolicLink(link)) {
        Files.createSymbolicLink(link, Path.of("..data", key));
      }
    }
    if (old != null) {
      try (var files = Files.list(old)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.delete(f);
        }
      }
      Files.delete(old);
    }
  }
}
