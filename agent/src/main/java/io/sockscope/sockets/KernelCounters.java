package io.sockscope.sockets;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tier 0: the per-namespace kernel counters. {@code /proc/net/snmp} ("Tcp:") and {@code
 * /proc/net/netstat} ("TcpExt:") are header/value line pairs; {@code /proc/net/sockstat}'s "TCP:"
 * line gives {@code inuse} and {@code tw}. Of sockstat only those two are per network namespace
 * (Linux ≥ 4.11); {@code orphan}, {@code alloc} and {@code mem} are node-wide and are deliberately
 * not read.
 *
 * <p>Parsed over the files' bytes, reading only the fields {@link KernelEvent} names: a read every
 * 2 s makes no string, map or boxed value. The line-and-regex parser it replaced made ~250 strings
 * and two hash maps per read (TcpExt alone has ~120 fields) and ran interpreted for a sidecar's
 * first half hour (docs/performance.md, "Where the sidecar's CPU goes"). Fields not read may hold
 * anything (snmp's MaxConn is -1); a field that is read must be a number.
 */
public final class KernelCounters {
  private static final KernelEvent[] EVENTS = KernelEvent.values();
  private static final byte[][] FIELDS = new byte[EVENTS.length][];

  static {
    for (KernelEvent e : EVENTS) {
      FIELDS[e.ordinal()] = e.field().getBytes(StandardCharsets.US_ASCII);
    }
  }

  private KernelCounters() {}

  /** One read of the three files. Counter values are cumulative since the namespace was made. */
  public static final class Sample {
    private final long inUse;
    private final long timeWait;
    private final long[] events; // by KernelEvent ordinal; 0 when the kernel has no such field

    Sample(long inUse, long timeWait, long[] events) {
      this.inUse = inUse;
      this.timeWait = timeWait;
      this.events = events;
    }

    public long inUse() {
      return inUse;
    }

    public long timeWait() {
      return timeWait;
    }

    public long get(KernelEvent e) {
      return events[e.ordinal()];
    }

    /** Every TIME_WAIT entry: made (TcpExt TW) or refused for want of room (TCPTimeWaitOverflow). */
    public long timeWaitEntries() {
      return get(KernelEvent.TIME_WAIT_ENTERED) + get(KernelEvent.TIME_WAIT_OVERFLOW);
    }
  }

  /** {@link Sample#timeWaitEntries()} alone: one file read, for a dump that needs only that. */
  public static long timeWaitEntries(Path procRoot) throws IOException {
    long[] events = new long[EVENTS.length];
    pairs(ProcText.read(procRoot.resolve("net/netstat")), "TcpExt:", KernelEvent.Group.TCP_EXT, events);
    return new Sample(0, 0, events).timeWaitEntries();
  }

  public static Sample read(Path procRoot) throws IOException {
    long[] events = new long[EVENTS.length];
    pairs(ProcText.read(procRoot.resolve("net/snmp")), "Tcp:", KernelEvent.Group.TCP, events);
    pairs(ProcText.read(procRoot.resolve("net/netstat")), "TcpExt:", KernelEvent.Group.TCP_EXT, events);
    long[] sockstat = sockstat(ProcText.read(procRoot.resolve("net/sockstat")));
    return new Sample(sockstat[0], sockstat[1], events);
  }

  /**
   * The header/value line pair that starts with {@code prefix} (e.g. "Tcp:"): the value of every
   * field of {@code group} that the header names goes to {@code out} at its event's ordinal.
   */
  static void pairs(ProcText t, String prefix, KernelEvent.Group group, long[] out)
      throws ProcFormatException {
    for (int line = 0, no = 1; line < t.length(); line = t.lineEnd(line) + 1, no++) {
      if (!t.startsWith(line, prefix)) {
        continue;
      }
      int head = line + prefix.length();
      int headEnd = t.lineEnd(line);
      int value = headEnd + 1;
      if (value >= t.length() || !t.startsWith(value, prefix)) {
        throw new ProcFormatException(t.source(), no, "header without a value line", t.line(line));
      }
      int valueEnd = t.lineEnd(value);
      value += prefix.length();
      int names = t.tokens(head, headEnd);
      int values = t.tokens(value, valueEnd);
      if (names != values) {
        // counted with the prefix, as the kernel prints it: "Tcp: A B" is three names
        throw new ProcFormatException(t.source(), no + 1, (names + 1) + " names but " + (values + 1) + " values",
            t.line(headEnd + 1));
      }
      while ((head = t.skipSpaces(head, headEnd)) < headEnd) {
        value = t.skipSpaces(value, valueEnd);
        int nameEnd = t.tokenEnd(head, headEnd);
        int valueTokenEnd = t.tokenEnd(value, valueEnd);
        KernelEvent e = event(t, head, nameEnd, group);
        if (e != null) {
          out[e.ordinal()] = t.number(value, valueTokenEnd, no + 1, e.field(), headEnd + 1);
        }
        head = nameEnd;
        value = valueTokenEnd;
      }
      return;
    }
    throw new ProcFormatException(t.source(), "no '" + prefix + "' lines");
  }

  private static KernelEvent event(ProcText t, int from, int to, KernelEvent.Group group) {
    for (KernelEvent e : EVENTS) {
      byte[] f = FIELDS[e.ordinal()];
      if (e.group() == group && f.length == to - from && t.bytes()[from] == f[0]
          && Arrays.equals(t.bytes(), from, to, f, 0, f.length)) {
        return e;
      }
    }
    return null;
  }

  /** {@code [inuse, tw]} from the "TCP:" line. */
  static long[] sockstat(ProcText t) throws ProcFormatException {
    for (int line = 0, no = 1; line < t.length(); line = t.lineEnd(line) + 1, no++) {
      if (!t.startsWith(line, "TCP:")) {
        continue;
      }
      int end = t.lineEnd(line);
      long inUse = -1;
      long tw = -1;
      int p = line + 4;
      while ((p = t.skipSpaces(p, end)) < end) {
        int nameEnd = t.tokenEnd(p, end);
        int value = t.skipSpaces(nameEnd, end);
        int valueEnd = t.tokenEnd(value, end);
        if (t.is(p, nameEnd, "inuse")) {
          inUse = t.number(value, valueEnd, no, "inuse", line);
        } else if (t.is(p, nameEnd, "tw")) {
          tw = t.number(value, valueEnd, no, "tw", line);
        }
        p = valueEnd;
      }
      if (inUse < 0 || tw < 0) {
        throw new ProcFormatException(t.source(), no, "TCP line without inuse or tw", t.line(line));
      }
      return new long[] {inUse, tw};
    }
    throw new ProcFormatException(t.source(), "no 'TCP:' line");
  }

  /**
   * A procfs file's bytes, read to EOF (procfs reports size 0), with a cursor's helpers. A text
   * {@link #read} is valid until the same thread's next read: the bytes are the thread's buffer,
   * so the sampler's read every 2 s allocates nothing for them (netstat is ~4 KiB).
   */
  record ProcText(String source, byte[] bytes, int length) {
    private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[8192]);

    static ProcText read(Path file) throws IOException {
      // FileInputStream: a read every 2 s through the fewest layers (Files.newInputStream builds
      // an option set and a channel per open).
      byte[] buf = BUFFER.get();
      int n = 0;
      try (var in = new FileInputStream(file.toFile())) {
        for (int r; (r = in.read(buf, n, buf.length - n)) > 0; ) {
          n += r;
          if (n == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
            BUFFER.set(buf);
          }
        }
      } catch (FileNotFoundException e) {
        // FileInputStream says "not found" for both: tell them apart as NIO would have
        if (!Files.exists(file)) {
          throw new ProcFormatException(file.toString(), "no such file");
        }
        throw Files.isReadable(file) ? e : new AccessDeniedException(file.toString());
      }
      return new ProcText(file.toString(), buf, n);
    }

    static ProcText of(String source, String text) {
      byte[] b = text.getBytes(StandardCharsets.US_ASCII);
      return new ProcText(source, b, b.length);
    }

    int lineEnd(int from) {
      for (int i = from; i < length; i++) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return length;
    }

    boolean startsWith(int at, String prefix) {
      if (at + prefix.length() > length) {
        return false;
      }
      for (int i = 0; i < prefix.length(); i++) {
        if (bytes[at + i] != prefix.charAt(i)) {
          return false;
        }
      }
      return true;
    }

    boolean is(int from, int to, String word) {
      return to - from == word.length() && startsWith(from, word);
    }

    int skipSpaces(int from, int to) {
      while (from < to && bytes[from] == ' ') {
        from++;
      }
      return from;
    }

    int tokenEnd(int from, int to) {
      while (from < to && bytes[from] != ' ') {
        from++;
      }
      return from;
    }

    int tokens(int from, int to) {
      int n = 0;
      while ((from = skipSpaces(from, to)) < to) {
        from = tokenEnd(from, to);
        n++;
      }
      return n;
    }

    /** The decimal at [from, to), else an error naming {@code field} and line {@code no}. */
    long number(int from, int to, int no, String field, int lineStart) throws ProcFormatException {
      long v = 0;
      boolean negative = from < to && bytes[from] == '-';
      int i = negative ? from + 1 : from;
      if (i == to) {
        throw new ProcFormatException(source, no, "bad value for " + field, line(lineStart));
      }
      if (to - i > 18) { // may not fit a long: let the JDK decide, as the text parser did
        try {
          return Long.parseLong(new String(bytes, from, to - from, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
          throw new ProcFormatException(source, no, "bad value for " + field, line(lineStart));
        }
      }
      for (; i < to; i++) {
        int d = bytes[i] - '0';
        if (d < 0 || d > 9) {
          throw new ProcFormatException(source, no, "bad value for " + field, line(lineStart));
        }
        v = v * 10 + d;
      }
      return negative ? -v : v;
    }

    String line(int from) {
      return new String(bytes, from, lineEnd(from) - from, StandardCharsets.US_ASCII);
    }
  }
}
