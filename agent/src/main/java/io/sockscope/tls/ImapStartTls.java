package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * IMAP STARTTLS (RFC 3501 §6.2.1, RFC 2595): greeting {@code * OK}, then {@code A1 STARTTLS}, and
 * the tagged {@code A1 OK} lets TLS begin; {@code NO} or {@code BAD} means no TLS. Untagged lines
 * before the tagged answer (a CAPABILITY update) are skipped.
 */
final class ImapStartTls implements StartTls {
  private static final String TAG = "A1";

  @Override
  public void negotiate(InputStream in, OutputStream out) throws IOException {
    String greeting = TextLines.read(in);
    if (!greeting.regionMatches(true, 0, "* OK", 0, 4)) {
      // * PREAUTH forbids STARTTLS (already authenticated); * BYE refuses the connection
      throw StartTlsException.garbage("IMAP greeting is not '* OK': " + TextLines.quote(greeting));
    }
    TextLines.write(out, TAG + " STARTTLS");
    for (int i = 0; i < TextLines.MAX_LINES; i++) {
      String line = TextLines.read(in);
      if (line.startsWith("* ")) {
        continue;
      }
      if (line.regionMatches(true, 0, TAG + " OK", 0, TAG.length() + 3)) {
        return;
      }
      if (line.regionMatches(true, 0, TAG + " NO", 0, TAG.length() + 3)
          || line.regionMatches(true, 0, TAG + " BAD", 0, TAG.length() + 4)) {
        throw StartTlsException.refused("IMAP STARTTLS refused: " + TextLines.quote(line));
      }
      throw StartTlsException.garbage("not an IMAP answer: " + TextLines.quote(line));
    }
    throw StartTlsException.garbage("no tagged IMAP answer in " + TextLines.MAX_LINES + " lines");
  }
}
