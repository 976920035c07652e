package io.sockscope.peers;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sidecar's peer names: the namespace prober's table (docs/kubernetes.md, "Peer names") read
 * from the mounted ConfigMap. The kubelet writes a ConfigMap volume atomically: the files live in a
 * timestamped directory, {@code ..data} is a symlink to it, swapped by a rename, and each key is a
 * symlink through {@code ..data}. So the version of the table is the target of {@code ..data}
 * (mtime and size for a plain file, as in the manual snippet's hostPath or a test), checked every
 * {@code period}; the file is read only when that changes.
 *
 * <p>Missing: no names (peers stay IPs). Malformed or unreadable: one log line, an error counted,
 * and the last good table stays in use.
 */
public final class PeerNameFile implements PeerNames, AutoCloseable {
  private static final Logger logger = System.getLogger(PeerNameFile.class.getName());

  /** Why a version of the file was not taken; the {@code reason} label. */
  public enum Error {
    MALFORMED,
    UNREADABLE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Path file;
  private final Duration period;
  private volatile PeerNameTable current = PeerNameTable.EMPTY;
  private volatile long loadedAtMillis;
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private Object version; // of the last file looked at, taken or not
  private boolean missingLogged;
  private volatile Thread poller;

  public PeerNameFile(Path file, Duration period) {
    this.file = file;
    this.period = period;
  }

  /** Reads the file now and then every {@code period} on a virtual thread (it sleeps, cheaply). */
  public PeerNameFile start() {
    check();
    poller = Thread.ofVirtual().name("peer-names").start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(period);
        } catch (InterruptedException e) {
          return;
        }
        check();
      }
    });
    return this;
  }

  /** Takes a new version of the file if there is one; never throws. */
  synchronized void check() {
    Object v;
    try {
      v = version();
    } catch (NoSuchFileException e) {
      if (!missingLogged) {
        missingLogged = true;
        logger.log(Level.INFO, "peer names: no " + file + " (yet): peers are named by IP"
            + (current.size() == 0 ? "" : "; keeping the last " + current.size() + " names"));
      }
      version = null;
      return;
    } catch (IOException e) {
      fail(Error.UNREADABLE, null, e.toString());
      return;
    }
    if (Objects.equals(v, version)) {
      return;
    }
    version = v;
    missingLogged = false;
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      fail(Error.UNREADABLE, v, e.toString());
      return;
    }
    try {
      PeerNameTable next = PeerNameTable.parse(text);
      current = next;
      loadedAtMillis = System.currentTimeMillis();
      logger.log(Level.INFO, "peer names: " + next.size() + " addresses from " + file);
    } catch (IllegalArgumentException e) {
      fail(Error.MALFORMED, v, e.getMessage());
    }
  }

  private void fail(Error error, Object v, String why) {
    version = v; // one line per bad version, not one per check
    (error == Error.MALFORMED ? malformed : unreadable).incrementAndGet();
    logger.log(Level.WARNING, "peer names: " + file + " is " + error.label() + " (" + why
        + "): keeping the last good copy (" + current.size() + " names)");
  }

  /** {@code ..data}'s target under the kubelet's atomic writer, else mtime, size and inode. */
  private Object version() throws IOException {
    Path data = file.resolveSibling("..data");
    if (Files.isSymbolicLink(data)) {
      Files.readAttributes(file, BasicFileAttributes.class); // NoSuchFileException when absent
      return Files.readSymbolicLink(data).toString();
    }
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return java.util.List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
  }

  @Override
  public Optional<String> nameOf(String ip) {
    return current.nameOf(ip);
  }

  public Path file() {
    return file;
  }

  /** Names known now. */
  public int size() {
    return current.size();
  }

  /** When the table in use was read (epoch millis), 0 when none was. */
  public long loadedAtMillis() {
    return loadedAtMillis;
  }

  public long errors(Error e) {
    return e == Error.MALFORMED ? malformed.get() : unreadable.get();
  }

  @Override
  public void close() {
    Thread t = poller;
    if (t != null) {
      t.interrupt();
    }
  }
}
