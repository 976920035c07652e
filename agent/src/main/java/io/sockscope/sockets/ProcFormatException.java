package io.sockscope.sockets;

import java.io.IOException;

/** Malformed procfs data; the message names the file, the line and the offending text. */
public final class ProcFormatException extends IOException {
  public ProcFormatException(String source, int line, String problem, String raw) {
    super(source + ":" + line + ": " + problem + ": '" + truncate(raw) + "'");
  }

  public ProcFormatException(String source, String problem) {
    super(source + ": " + problem);
  }

  private static String truncate(String s) {
    String t = s.strip();
    return t.length() > 120 ? t.substring(0, 120) + "..." : t;
  }
}
