package io.sockscope.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SMTP STARTTLS (RFC 3207) on 25 and 587: greeting 220, EHLO, look for the STARTTLS keyword in the
 * EHLO reply, send STARTTLS, expect 220. Port 465 is implicit TLS (RFC 8314) and needs none of
 * this.
 */
final class SmtpStartTls implements StartTls {
  /** RFC 5321 §4.1.1.1 wants a domain; .invalid (RFC 6761) says plainly that it is no real host. */
  static final String EHLO = "EHLO sockscope.invalid";

  @Override
  public void negotiate(InputStream in, OutputStream out) throws IOException {
    List<String> greeting = reply(in);
    if (!greeting.getLast().startsWith("220")) {
      throw StartTlsException.garbage(
          "SMTP greeting is not 220: " + TextLines.quote(greeting.getLast()));
    }
    TextLines.write(out, EHLO);
    List<String> ehlo = reply(in);
    if (!ehlo.getLast().startsWith("250")) {
      throw StartTlsException.garbage("SMTP EHLO rejected: " + TextLines.quote(ehlo.getLast()));
    }
    boolean offered =
        ehlo.stream()
            .skip(1) // the first line is the server's name, not an extension
            .map(l -> l.substring(4).strip().toUpperCase(Locale.ROOT))
            .anyMatch(k -> k.equals("STARTTLS") || k.startsWith("STARTTLS "));
    if (!offered) {
      throw StartTlsException.refused("SMTP server does not offer STARTTLS in its EHLO reply");
    }
    TextLines.write(out, "STARTTLS");
    String answer = reply(in).getLast();
    if (!answer.startsWith("220")) {
      throw StartTlsException.refused("SMTP STARTTLS refused: " + TextLines.quote(answer));
    }
  }

  /** One reply, possibly multi-line ({@code 250-...} continues, {@code 250 ...} ends). */
  static List<String> reply(InputStream in) throws IOException {
    List<String> lines = new ArrayList<>();
    while (lines.size() < TextLines.MAX_LINES) {
      String line = TextLines.read(in);
      if (line.length() < 3
          || !line.substring(0, 3).chars().allMatch(Character::isDigit)
          || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
        throw StartTlsException.garbage("not an SMTP reply: " + TextLines.quote(line));
      }
      if (line.length() == 3) {
        line = line + " ";
      }
      lines.add(line);
      if (line.charAt(3) == ' ') {
        return lines;
      }
    }
    throw StartTlsException.garbage("SMTP reply longer than " + TextLines.MAX_LINES + " lines");
  }
}
