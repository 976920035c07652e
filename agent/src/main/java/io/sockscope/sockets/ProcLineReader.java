package io.sockscope.sockets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** A line cursor over a fixed buffer; the parse methods throw IllegalStateException on bad text. */
final class ProcLineReader {
  private final InputStream in;
  private byte[] buf = new byte[64 * 1024];
  private int start;
  private int end; // end of valid data
  private int lineEnd;
  private int pos;
  private int lineNo;

  ProcLineReader(InputStream in) {
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
