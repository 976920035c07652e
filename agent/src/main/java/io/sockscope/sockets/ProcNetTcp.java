package io.sockscope.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
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
    ProcLineReader lines = new ProcLineReader(in);
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

  private static boolean parseRow(ProcLineReader l, String source, int family, int mask, SocketRow row)
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

  private static void parseAddress(ProcLineReader l, int family, SocketRow row, boolean local) {
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
}
