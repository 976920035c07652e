package io.sockscope.util;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A file the namespace prober publishes in a ConfigMap and a sidecar mounts (the peer names, the
 * Secret leaf fingerprints), read with last-good-copy semantics. The kubelet writes a ConfigMap
 * volume atomically: the files live in a timestamped directory, {@code ..data} is a symlink to it,
 * swapped by a rename, and each key is a symlink through {@code ..data}. So the version of the file
 * is the target of {@code ..data} (mtime, size and inode for a plain file, as in a hostPath or a
 * test), checked every {@code period}; the file is read only when that changes.
 *
 * <p>Missing: the empty value. Malformed (the parser throws {@link IllegalArgumentException}) or
 * unreadable: one log line per bad version, an error counted, and the last good copy stays in use;
 * a version is taken whole or not at all.
 *
 * @param <T> the parsed content
 */
public final class MountedFile<T> implements AutoCloseable {
  private static final Logger logger = System.getLogger(MountedFile.class.getName());

  /** Why a version of the file was not taken; the {@code reason} label. */
  public enum Error {
    MALFORMED,
    UNREADABLE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String what;
  private final Path file;
  private final Duration period;
  private final Function<String, T> parser;
  private final Function<T, Integer> size;
  private volatile T current;
  private volatile long loadedAtMillis;
  private final AtomicLong malformed = new AtomicLong();
  private final AtomicLong unreadable = new AtomicLong();
  private Object version; // of the last file looked at, taken or not
  private boolean missingLogged;
  private volatile Thread poller;

  /**
   * @param what names the content in log lines ("peer names")
   * @param empty the value while there is no file
   * @param size how many entries a value holds, for the log lines
   */
  public MountedFile(String what, Path file, Duration period, Function<String, T> parser, T empty,
      Function<T, Integer> size) {
    this.what = what;
    this.file = file;
    this.period = period;
    this.parser = parser;
    this.current = empty;
    this.size = size;
  }

  /** Reads the file now and then every {@code period} on a virtual thread (it sleeps, cheaply). */
  public MountedFile<T> start() {
    check();
    poller = Thread.ofVirtual().name(what.replace(' ', '-')).start(() -> {
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
  public synchronized void check() {
    Object v;
    try {
      v = version();
    } catch (NoSuchFileException e) {
      if (!missingLogged) {
        missingLogged = true;
        logger.log(Level.INFO, what + ": no " + file + " (yet)" + (size.apply(current) == 0 ? ""
            : "; keeping the last " + size.apply(current) + " entries"));
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
      T next = parser.apply(text);
      current = next;
      loadedAtMillis = System.currentTimeMillis();
      logger.log(Level.INFO, what + ": " + size.apply(next) + " entries from " + file);
    } catch (IllegalArgumentException e) {
      fail(Error.MALFORMED, v, e.getMessage());
    }
  }

  private void fail(Error error, Object v, String why) {
    version = v; // one line per bad version, not one per check
    (error == Error.MALFORMED ? malformed : unreadable).incrementAndGet();
    logger.log(Level.WARNING, what + ": " + file + " is " + error.label() + " (" + why
        + "): keeping the last good copy (" + size.apply(current) + " entries)");
  }

  /** {@code ..data}'s target under the kubelet's atomic writer, else mtime, size and inode. */
  private Object version() throws IOException {
    Path data = file.resolveSibling("..data");
    if (Files.isSymbolicLink(data)) {
      Files.readAttributes(file, BasicFileAttributes.class); // NoSuchFileException when absent
      return Files.readSymbolicLink(data).toString();
    }
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
  }

  /** The last good copy (the empty value before the first). */
  public T current() {
    return current;
  }

  public Path file() {
    return file;
  }

  /** When the copy in use was read (epoch millis), 0 when none was. */
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
