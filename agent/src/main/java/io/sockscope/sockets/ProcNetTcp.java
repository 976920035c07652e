package io.sockscope.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Parser of {@code /proc/net/tcp} and {@code /proc/net/tcp6} (kernel
 * Documentation/networking/proc_net_tcp.rst; format from {@code tcp4_seq_show}/{@code
 * tcp6_seq_show}). Streams rows into one reused {@link SocketRow}: the file is read through a fixed
 * buffer and never held whole (100k sockets are ~15 MB of text).
 *
 * <pre>
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *    0: 0100007F:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4242 ...
 * </pre>
 *
 * Addresses are the kernel's {@code __be32} words printed with {@code %08X} as host-order integers,
 * so on a little-endian machine each 32-bit word reads byte-reversed. TIME_WAIT rows carry uid 0 and
 * inode 0 and timer code 3; {@code tm->when} is in USER_HZ (100/s) ticks. LISTEN rows report the
 * accept queue in rx_queue and no limit (only netlink has it).
 */
public final class ProcNetTcp {
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
  private static final int USER_HZ = 100;

  private ProcNetTcp() {}

  /**
   * Parses {@code in} (the content of a tcp or tcp6 file) and passes the rows whose state is in
   * {@code stateMask} to {@code sink}.
   *
   * @return rows delivered
   * @throws ProcFormatException naming {@code source}, the line and its text on any malformed row
   */
  public static long parse(InputStream in, String source, int family, int stateMask, SocketRow row, SocketSink sink)
      throws IOException {
    LineReader lines = new LineReader(in);
    if (!lines.next()) {
      return 0; // an empty file: the namespace has no sockets of this family
    }
    if (!lines.startsWith("  sl") && !lines.startsWith("sl")) {
      throw new ProcFormatException(source, 1, "missing header", lines.text());
    }
    long delivered = 0;
    while (lines.next()) {
      if (lines.blank()) {
        continue;
      }
      if (parseRow(lines, source, family, stateMask, row)) {
        sink.accept(row);
        delivered++;
      }
    }
    return delivered;
  }

  private static boolean parseRow(LineReader l, String source, int family, int mask, SocketRow row)
      throws ProcFormatException {
    try {
      row.clear();
      row.family = family;
      l.skipSpaces();
      l.expectToken(':'); // "sl:" slot number
      l.skipSpaces();
      parseAddress(l, family, row, true);
      l.skipSpaces();
      parseAddress(l, family, row, false);
      l.skipSpaces();
      row.state = (int) l.hex(2, ' ');
      if (TcpState.ofCode(row.state) == null) {
        throw new IllegalStateException("unknown state " + row.state);
      }
      if ((mask & (1 << row.state)) == 0) {
        return false;
      }
      l.skipSpaces();
      row.txQueue = l.hex(8, ':');
      l.skip(1);
      row.rxQueue = l.hex(8, ' ');
      l.skipSpaces();
      long timer = l.hex(2, ':');
      l.skip(1);
      long when = l.hex(16, ' ');
      row.expiresMs = timer == 0 ? 0 : when * (1000 / USER_HZ);
      l.skipSpaces();
      l.hex(8, ' '); // retransmits
      l.skipSpaces();
      row.uid = (int) l.decimal();
      l.skipSpaces();
      l.decimal(); // timeout (probes)
      l.skipSpaces();
      row.inode = l.decimal();
      return true;
    } catch (IllegalStateException e) {
      throw new ProcFormatException(source, l.lineNumber(), e.getMessage(), l.text());
    }
  }

  private static void parseAddress(LineReader l, int family, SocketRow row, boolean local) {
    long hi = 0;
    long lo;
    if (family == SocketRow.AF_INET) {
      lo = word(l.hex(8, ':'));
    } else {
      // Four __be32 words, each printed host-order: reassemble network order.
      hi = word(l.hex(8, -1)) << 32 | word(l.hex(8, -1));
      lo = word(l.hex(8, -1)) << 32 | word(l.hex(8, ':'));
    }
    l.skip(1);
    int port = (int) l.hex(4, ' ');
    if (local) {
      row.localHi = hi;
      row.localLo = lo;
      row.localPort = port;
    } else {
      row.remoteHi = hi;
      row.remoteLo = lo;
      row.remotePort = port;
    }
  }

  private static long word(long printed) {
    return LITTLE_ENDIAN ? Integer.reverseBytes((int) printed) & 0xFFFFFFFFL : printed;
  }

  /** Reads {@code root/net/tcp} and {@code root/net/tcp6}; a missing tcp6 (no IPv6) is no error. */
  public static long read(Path procRoot, int stateMask, SocketRow row, SocketSink sink) throws IOException {
    long n = readFile(procRoot.resolve("net/tcp"), SocketRow.AF_INET, stateMask, row, sink, false);
    return n + readFile(procRoot.resolve("net/tcp6"), SocketRow.AF_INET6, stateMask, row, sink, true);
  }

  private static long readFile(Path file, int family, int mask, SocketRow row, SocketSink sink, boolean optional)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(in, file.toString(), family, mask, row, sink);
    } catch (NoSuchFileException e) {
      if (optional) {
        return 0;
      }
      throw new ProcFormatException(file.toString(), "no such file (is procRoot right?)");
    }
  }

  /** A line cursor over a fixed buffer; the parse methods throw IllegalStateException on bad text. */
  static final class LineReader {
    private final InputStream in;
    private byte[] buf = new byte[64 * 1024];
    private int start;
    private int end; // end of valid data
    private int lineEnd;
    private int pos;
    private int lineNo;

    LineReader(InputStream in) {
      this.in = in;
    }

    boolean next() throws IOException {
      if (lineNo > 0) {
        start = Math.min(lineEnd + 1, end);
      }
      int nl = indexOf('\n', start);
      while (nl < 0) {
        if (!fill()) {
          if (start >= end) {
            return false;
          }
          nl = end; // last line without a newline
          break;
        }
        nl = indexOf('\n', start);
      }
      lineEnd = nl;
      pos = start;
      lineNo++;
      return true;
    }

    private boolean fill() throws IOException {
      if (start > 0) {
        System.arraycopy(buf, start, buf, 0, end - start);
        end -= start;
        lineEnd -= start;
        start = 0;
      }
      if (end == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2); // a line longer than the buffer
      }
      int n = in.read(buf, end, buf.length - end);
      if (n <= 0) {
        return false;
      }
      end += n;
      return true;
    }

    private int indexOf(char c, int from) {
      for (int i = from; i < end; i++) {
        if (buf[i] == c) {
          return i;
        }
      }
      return -1;
    }

    int lineNumber() {
      return lineNo;
    }

    String text() {
      return new String(buf, start, lineEnd - start, StandardCharsets.US_ASCII);
    }

    boolean startsWith(String prefix) {
      return text().startsWith(prefix);
    }

    boolean blank() {
      for (int i = start; i < lineEnd; i++) {
        if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r') {
          return false;
        }
      }
      return true;
    }

    void skipSpaces() {
      while (pos < lineEnd && buf[pos] == ' ') {
        pos++;
      }
    }

    void skip(int n) {
      pos += n;
    }

    /** Skips a token ending in {@code terminator} (e.g. the "12:" slot column). */
    void expectToken(char terminator) {
      int p = pos;
      while (p < lineEnd && buf[p] != terminator && buf[p] != ' ') {
        p++;
      }
      if (p >= lineEnd || buf[p] != terminator) {
        throw new IllegalStateException("expected '" + terminator + "' after slot number");
      }
      pos = p + 1;
    }

    /** Exactly {@code digits} hex digits followed by {@code next} (-1: anything). */
    long hex(int digits, int next) {
      long v = 0;
      int p = pos;
      for (int i = 0; i < digits; i++, p++) {
        int d = p < lineEnd ? Character.digit(buf[p], 16) : -1;
        if (d < 0) {
          if (i > 0 && next != -1 && p < lineEnd && buf[p] == next && digits == 16) {
            break; // tm->when is printed with %08lX: 8 digits or more
          }
          throw new IllegalStateException("bad hex field at column " + (pos - start + 1));
        }
        v = v << 4 | d;
      }
      if (next != -1 && p < lineEnd && buf[p] != next) {
        throw new IllegalStateException("bad hex field at column " + (pos - start + 1));
      }
      if (next != -1 && next != ' ' && p >= lineEnd) {
        throw new IllegalStateException("line ends inside a field");
      }
      pos = p;
      return v;
    }

    long decimal() {
      int p = pos;
      long v = 0;
      while (p < lineEnd && buf[p] >= '0' && buf[p] <= '9') {
        v = v * 10 + (buf[p] - '0');
        p++;
      }
      if (p == pos || (p < lineEnd && buf[p] != ' ')) {
        throw new IllegalStateException(p == pos ? "missing number at column " + (pos - start + 1) : "bad number at column " + (pos - start + 1));
      }
      pos = p;
      return v;
    }
  }
}
