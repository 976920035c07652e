package io.sockscope.config;

import io.sockscope.config.YamlNode.Entry;
import io.sockscope.config.YamlNode.Mapping;
import io.sockscope.config.YamlNode.Mark;
import io.sockscope.config.YamlNode.Scalar;
import io.sockscope.config.YamlNode.Sequence;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the subset of YAML that configuration files are written in (docs/configuration.md, "File
 * format"): block mappings and sequences, flow sequences {@code [a, b]} on one line, {@code {}},
 * plain, single- and double-quoted scalars on one line, comments, and one leading {@code ---}.
 * Anything else (anchors, aliases, tags, block scalars, flow mappings, several documents, tabs in
 * indentation, duplicate keys) is a {@link SyntaxError} with its line and column, never a guess.
 *
 * <p>JDK only, so that taking the configuration loads no YAML or JSON library: the sidecar pays for
 * nothing it does not use (docs/architecture.md).
 */
final class YamlReader {
  /** Malformed input or input outside the subset; {@link #mark} is where. */
  static final class SyntaxError extends RuntimeException {
    private final transient Mark mark;

    SyntaxError(Mark mark, String message) {
      super(message);
      this.mark = mark;
    }

    Mark mark() {
      return mark;
    }
  }

  /** A line with content; {@code start} is the index of its first content character. */
  private record Line(int number, String text, int start) {}

  /** A key parsed off a line; {@code after} is the index just past its colon. */
  private record Key(String name, Mark mark, int after) {}

  /** A value parsed off a line; {@code end} is the index just past it. */
  private record Inline(YamlNode node, int end) {}

  private final List<Line> lines = new ArrayList<>();
  private int pos;

  private YamlReader(String text) {
    String[] raw = text.split("\n", -1);
    boolean documentStarted = false;
    for (int i = 0; i < raw.length; i++) {
      String t = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
      if (i == 0 && t.startsWith("\uFEFF")) {
        t = t.substring(1);
      }
      int j = 0;
      while (j < t.length() && t.charAt(j) == ' ') {
        j++;
      }
      int k = j;
      while (k < t.length() && isSpace(t.charAt(k))) {
        k++;
      }
      if (k == t.length() || t.charAt(k) == '#') {
        continue; // blank or comment only
      }
      if (k != j) {
        throw new SyntaxError(new Mark(i + 1, j + 1), "tab in indentation (YAML indents with spaces only)");
      }
      if (j == 0 && isMarker(t, "---")) {
        if (documentStarted || !lines.isEmpty()) {
          throw new SyntaxError(new Mark(i + 1, 1),
              "a second document ('---') is not supported: one file holds one configuration");
        }
        int rest = skipSpaces(t, 3);
        if (rest < t.length() && t.charAt(rest) != '#') {
          throw new SyntaxError(new Mark(i + 1, rest + 1), "content after '---' on the same line is not supported");
        }
        documentStarted = true;
        continue;
      }
      if (j == 0 && isMarker(t, "...")) {
        throw new SyntaxError(new Mark(i + 1, 1), "the document end marker '...' is not supported");
      }
      if (j == 0 && t.charAt(0) == '%') {
        throw new SyntaxError(new Mark(i + 1, 1), "directives (%YAML, %TAG) are not supported");
      }
      lines.add(new Line(i + 1, t, j));
    }
  }

  /** The document's root node, or null for an empty document (comments and blank lines only). */
  static YamlNode read(String text) {
    YamlReader r = new YamlReader(text);
    if (r.lines.isEmpty()) {
      return null;
    }
    YamlNode root = r.block(r.lines.getFirst().start(), "");
    if (r.pos < r.lines.size()) {
      Line l = r.lines.get(r.pos);
      throw r.error(l, l.start(), "indentation does not match any enclosing block");
    }
    return root;
  }

  private YamlNode block(int indent, String path) {
    Line l = lines.get(pos);
    if (isSequenceItem(l)) {
      return sequence(indent, path);
    }
    if (key(l) != null) {
      return mapping(indent, path);
    }
    Inline v = inline(l, l.start(), path);
    pos++;
    return v.node();
  }

  private Mapping mapping(int indent, String path) {
    Map<String, Entry> entries = new LinkedHashMap<>();
    Mark mark = new Mark(lines.get(pos).number(), indent + 1);
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.start() < indent) {
        break;
      }
      if (l.start() > indent) {
        throw error(l, l.start(), "unexpected indentation");
      }
      Key k = key(l);
      if (k == null) {
        throw error(l, l.start(), isSequenceItem(l)
            ? "a sequence item ('- ') where a key was expected"
            : "expected 'key: value'");
      }
      String keyPath = path.isEmpty() ? k.name() : path + "." + k.name();
      Entry first = entries.get(k.name());
      if (first != null) {
        throw new SyntaxError(k.mark(),
            "duplicate key '" + keyPath + "' (first at line " + first.keyMark().line() + ")");
      }
      int v = skipSpaces(l.text(), k.after());
      YamlNode value;
      if (v == l.text().length() || l.text().charAt(v) == '#') {
        pos++;
        if (pos < lines.size() && lines.get(pos).start() > indent) {
          value = block(lines.get(pos).start(), keyPath);
        } else if (pos < lines.size() && lines.get(pos).start() == indent && isSequenceItem(lines.get(pos))) {
          value = sequence(indent, keyPath); // "key:\n- item": the compact form toYaml writes
        } else {
          value = new Scalar("", true, new Mark(l.number(), k.after() + 1));
        }
      } else {
        value = inline(l, v, keyPath).node();
        pos++;
      }
      entries.put(k.name(), new Entry(k.mark(), value));
    }
    return new Mapping(entries, mark);
  }

  private Sequence sequence(int indent, String path) {
    List<YamlNode> items = new ArrayList<>();
    Mark mark = new Mark(lines.get(pos).number(), indent + 1);
    while (pos < lines.size()) {
      Line l = lines.get(pos);
      if (l.start() < indent) {
        break;
      }
      if (l.start() > indent) {
        throw error(l, l.start(), "unexpected indentation");
      }
      if (!isSequenceItem(l)) {
        break;
      }
      String itemPath = path + "[" + items.size() + "]";
      int v = skipSpaces(l.text(), indent + 1);
      if (v == l.text().length() || l.text().charAt(v) == '#') {
        pos++;
        if (pos < lines.size() && lines.get(pos).start() > indent) {
          items.add(block(lines.get(pos).start(), itemPath));
        } else {
          items.add(new Scalar("", true, new Mark(l.number(), indent + 2)));
        }
      } else {
        // "- a: 1" opens a node at the column of "a": the rest of the line is read as if it
        // started a line there, and the lines below at that column continue it.
        lines.set(pos, new Line(l.number(), l.text(), v));
        items.add(block(v, itemPath));
      }
    }
    return new Sequence(items, mark);
  }

  /** The key on this line, or null when the line holds no {@code key:} at its start. */
  private Key key(Line l) {
    String t = l.text();
    int i = l.start();
    char c = t.charAt(i);
    Mark mark = new Mark(l.number(), i + 1);
    if (c == '?' && (i + 1 == t.length() || isSpace(t.charAt(i + 1)))) {
      throw new SyntaxError(mark, "complex keys ('? ') are not supported");
    }
    if (c == '"' || c == '\'') {
      Inline q = c == '"' ? doubleQuoted(l, i) : singleQuoted(l, i);
      int colon = skipSpaces(t, q.end());
      if (isColon(t, colon)) {
        return new Key(((Scalar) q.node()).value(), mark, colon + 1);
      }
      return null;
    }
    if ("[{&*!|>%@`#".indexOf(c) >= 0 || isSequenceItem(l)) {
      return null;
    }
    for (int j = i; j < t.length(); j++) {
      if (t.charAt(j) == '#' && isSpace(t.charAt(j - 1))) {
        return null;
      }
      if (isColon(t, j)) {
        String name = t.substring(i, j).strip();
        if (name.isEmpty()) {
          throw new SyntaxError(mark, "empty key");
        }
        return new Key(name, mark, j + 1);
      }
    }
    return null;
  }

  /** A value that starts at {@code i} and ends on this line (a comment may follow). */
  private Inline inline(Line l, int i, String path) {
    String t = l.text();
    Inline v = switch (t.charAt(i)) {
      case '"' -> doubleQuoted(l, i);
      case '\'' -> singleQuoted(l, i);
      case '[' -> flowSequence(l, i, path);
      case '{' -> emptyMapping(l, i);
      default -> {
        indicator(l, i);
        int end = i;
        while (end < t.length() && !(t.charAt(end) == '#' && isSpace(t.charAt(end - 1)))) {
          end++;
        }
        String value = t.substring(i, end).stripTrailing();
        for (int j = i; j < i + value.length(); j++) {
          if (isColon(t, j)) {
            throw error(l, j, "': ' inside a plain value (quote the value, or it is a nested key on the wrong line)");
          }
        }
        yield new Inline(new Scalar(value, true, new Mark(l.number(), i + 1)), i + value.length());
      }
    };
    int rest = skipSpaces(t, v.end());
    if (rest < t.length() && !(t.charAt(rest) == '#' && rest > v.end())) {
      throw error(l, rest, "unexpected text after the value");
    }
    return v;
  }

  /** Characters that start something outside the subset: a clear message instead of a guess. */
  private void indicator(Line l, int i) {
    char c = l.text().charAt(i);
    String why = switch (c) {
      case '&' -> "anchors ('&') are not supported";
      case '*' -> "aliases ('*') are not supported";
      case '!' -> "tags ('!') are not supported";
      case '|', '>' -> "block scalars ('|', '>') are not supported: write the value on one line, quoted if needed";
      case '%', '@', '`' -> "'" + c + "' cannot start a plain value: quote the value";
      case ']', '}', ',' -> "'" + c + "' cannot start a plain value: quote the value";
      default -> null;
    };
    if (why != null) {
      throw error(l, i, why);
    }
  }

  private Inline emptyMapping(Line l, int i) {
    int j = skipSpaces(l.text(), i + 1);
    if (j < l.text().length() && l.text().charAt(j) == '}') {
      return new Inline(new Mapping(Map.of(), new Mark(l.number(), i + 1)), j + 1);
    }
    throw error(l, i, "flow mappings ('{a: b}') are not supported: use a block mapping ('{}' only for an empty one)");
  }

  private Inline flowSequence(Line l, int open, String path) {
    String t = l.text();
    List<YamlNode> items = new ArrayList<>();
    int j = open + 1;
    while (true) {
      j = skipSpaces(t, j);
      if (j >= t.length() || (t.charAt(j) == '#' && isSpace(t.charAt(j - 1)))) {
        throw error(l, open, "flow sequence not closed on this line (a '[...]' must fit on one line)");
      }
      char c = t.charAt(j);
      if (c == ']') {
        return new Inline(new Sequence(items, new Mark(l.number(), open + 1)), j + 1);
      }
      Inline item = switch (c) {
        case '"' -> doubleQuoted(l, j);
        case '\'' -> singleQuoted(l, j);
        case '[' -> flowSequence(l, j, path + "[" + items.size() + "]");
        case '{' -> emptyMapping(l, j);
        default -> {
          indicator(l, j);
          int end = j;
          while (end < t.length() && ",[]{}".indexOf(t.charAt(end)) < 0
              && !(t.charAt(end) == '#' && isSpace(t.charAt(end - 1)))) {
            if (isColon(t, end)) {
              throw error(l, end, "flow mappings are not supported inside '[...]'");
            }
            end++;
          }
          String value = t.substring(j, end).stripTrailing();
          if (value.isEmpty()) {
            throw error(l, j, "empty item in the flow sequence");
          }
          yield new Inline(new Scalar(value, true, new Mark(l.number(), j + 1)), j + value.length());
        }
      };
      items.add(item.node());
      j = skipSpaces(t, item.end());
      if (j >= t.length() || (t.charAt(j) == '#' && j > item.end())) {
        throw error(l, open, "flow sequence not closed on this line (a '[...]' must fit on one line)");
      }
      if (t.charAt(j) == ',') {
        j++;
      } else if (t.charAt(j) != ']') {
        throw error(l, j, "expected ',' or ']' in the flow sequence");
      }
    }
  }

  private Inline singleQuoted(Line l, int open) {
    String t = l.text();
    StringBuilder sb = new StringBuilder();
    for (int j = open + 1; j < t.length(); j++) {
      char c = t.charAt(j);
      if (c == '\'') {
        if (j + 1 < t.length() && t.charAt(j + 1) == '\'') {
          sb.append('\'');
          j++;
          continue;
        }
        return new Inline(new Scalar(sb.toString(), false, new Mark(l.number(), open + 1)), j + 1);
      }
      sb.append(c);
    }
    throw error(l, open, "unterminated single-quoted string (a quoted value must end on its line)");
  }

  private Inline doubleQuoted(Line l, int open) {
    String t = l.text();
    StringBuilder sb = new StringBuilder();
    int j = open + 1;
    while (j < t.length()) {
      char c = t.charAt(j);
      if (c == '"') {
        return new Inline(new Scalar(sb.toString(), false, new Mark(l.number(), open + 1)), j + 1);
      }
      if (c != '\\') {
        sb.append(c);
        j++;
        continue;
      }
      if (j + 1 >= t.length()) {
        break;
      }
      char e = t.charAt(j + 1);
      int hex = switch (e) {
        case 'x' -> 2;
        case 'u' -> 4;
        case 'U' -> 8;
        default -> 0;
      };
      if (hex > 0) {
        if (j + 2 + hex > t.length() || !t.substring(j + 2, j + 2 + hex).matches("[0-9A-Fa-f]+")) {
          throw error(l, j, "'\\" + e + "' needs " + hex + " hex digits");
        }
        sb.appendCodePoint(Integer.parseUnsignedInt(t.substring(j + 2, j + 2 + hex), 16));
        j += 2 + hex;
        continue;
      }
      String s = switch (e) {
        case '0' -> "\0";
        case 'a' -> "\u0007";
        case 'b' -> "\b";
        case 't', '\t' -> "\t";
        case 'n' -> "\n";
        case 'v' -> "\u000b";
        case 'f' -> "\f";
        case 'r' -> "\r";
        case 'e' -> "\u001b";
        case ' ', '"', '/', '\\' -> String.valueOf(e);
        case 'N' -> "\u0085";
        case '_' -> "\u00a0";
        case 'L' -> "\u2028";
        case 'P' -> "\u2029";
        default -> throw error(l, j, "unknown escape '\\" + e + "' in a double-quoted string");
      };
      sb.append(s);
      j += 2;
    }
    throw error(l, open, "unterminated double-quoted string (a quoted value must end on its line)");
  }

  private static boolean isSequenceItem(Line l) {
    String t = l.text();
    int i = l.start();
    return t.charAt(i) == '-' && (i + 1 == t.length() || isSpace(t.charAt(i + 1)));
  }

  private static boolean isMarker(String t, String marker) {
    return t.startsWith(marker) && (t.length() == 3 || isSpace(t.charAt(3)));
  }

  private static boolean isColon(String t, int i) {
    return i < t.length() && t.charAt(i) == ':' && (i + 1 == t.length() || isSpace(t.charAt(i + 1)));
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t';
  }

  private static int skipSpaces(String t, int i) {
    while (i < t.length() && isSpace(t.charAt(i))) {
      i++;
    }
    return i;
  }

  private SyntaxError error(Line l, int index, String message) {
    return new SyntaxError(new Mark(l.number(), index + 1), message);
  }
}
