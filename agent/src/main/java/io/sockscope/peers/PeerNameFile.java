package io.sockscope.peers;

import io.sockscope.util.MountedFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The sidecar's peer names: the namespace prober's table (docs/kubernetes.md, "Peer names") read
 * from the mounted ConfigMap with the kubelet's atomic {@code ..data} swap in mind and the last good
 * table kept ({@link MountedFile}). Missing: no names (peers stay IPs).
 */
public final class PeerNameFile implements PeerNames, AutoCloseable {
  private final MountedFile<PeerNameTable> file;

  public PeerNameFile(Path file, Duration period) {
    this.file = new MountedFile<>("peer names", file, period, PeerNameTable::parse,
        PeerNameTable.EMPTY, PeerNameTable::size);
  }

  /** Reads the file now and then every {@code period}. */
  public PeerNameFile start() {
    file.start();
    return this;
  }

  /** Takes a new version of the file if there is one; never throws. */
  void check() {
    file.check();
  }

  @Override
  public Optional<String> nameOf(String ip) {
    return file.current().nameOf(ip);
  }

  public Path file() {
    return file.file();
  }

  /** Names known now. */
  public int size() {
    return file.current().size();
  }

  /** When the table in use was read (epoch millis), 0 when none was. */
  public long loadedAtMillis() {
    return file.loadedAtMillis();
  }

  public long errors(MountedFile.Error e) {
    return file.errors(e);
  }

  @Override
  public void close() {
    file.close();
  }
}
