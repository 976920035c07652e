package io.sockscope.util;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A published table's text (docs/architecture.md, "Published for the sidecars: one ConfigMap"):
 * a header line, then lines in the given order while at most {@code maxEntries} of them and
 * {@code maxBytes} of UTF-8 fit, so a ConfigMap stays under its size limit whatever the namespace.
 *
 * @param text the file text
 * @param entries lines written
 * @param cut lines that did not fit
 */
public record CappedLines(String text, int entries, int cut) {

  /** Each line without its newline; they are written in this order. */
  public static CappedLines of(String header, List<String> lines, int maxEntries, int maxBytes) {
    StringBuilder b = new StringBuilder(header).append('\n');
    int bytes = b.toString().getBytes(StandardCharsets.UTF_8).length;
    int written = 0;
    for (String line : lines) {
      int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (written >= maxEntries || bytes + size > maxBytes) {
        break;
      }
      b.append(line).append('\n');
      bytes += size;
      written++;
    }
    return new CappedLines(b.toString(), written, lines.size() - written);
  }
}
