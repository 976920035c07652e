package io.sockscope.tls;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * CRLF lines of the text protocols (SMTP, IMAP, POP3), read one byte at a time on purpose: a
 * buffered reader could swallow the first bytes of the server's TLS handshake.
 */
final class TextLines {
  /** RFC 5321 §4.5.3.1.5 caps an SMTP reply line at 512 octets; IMAP greetings run longer. */
  static final int MAX_LINE = 8192;

  /** A multi-line reply longer than this is not a greeting: protects the probe's time. */
  static final int MAX_LINES = 200;

  private TextLines() {}

  static String read(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException(
            sb.isEmpty() ? "server closed the connection" : "server closed mid-line");
      }
      if (sb.length() >= MAX_LINE) {
        throw StartTlsException.garbage("line longer than " + MAX_LINE + " bytes");
      }
      if (b != '\r') {
        sb.append((char) b);
      }
    }
    return sb.toString();
  }

  static void write(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** A short, printable excerpt of what the server said, for the probe's detail (never a label). */
  static String quote(String s) {
    String printable = s.replaceAll("[^\\x20-\\x7e]", "?");
    return "'" + (printable.length() > 120 ? printable.substring(0, 120) + "..." : printable) + "'";
  }
}
