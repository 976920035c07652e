package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** POP3 STLS (RFC 2595 §4): greeting {@code +OK}, {@code STLS}, {@code +OK} lets TLS begin. */
final class Pop3StartTls implements StartTls {
  @Override
  public void negotiate(InputStream in, OutputStream out) throws IOException {
    String greeting = TextLines.read(in);
    if (!greeting.startsWith("+OK")) {
      throw StartTlsException.garbage("POP3 greeting is not +OK: " + TextLines.quote(greeting));
    }
    TextLines.write(out, "STLS");
    String answer = TextLines.read(in);
    if (answer.startsWith("-ERR")) {
      throw StartTlsException.refused("POP3 STLS refused: " + TextLines.quote(answer));
    }
    if (!answer.startsWith("+OK")) {
      throw StartTlsException.garbage("not a POP3 answer: " + TextLines.quote(answer));
    }
  }
}
