package io.sockscope.http;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot's JSON, written with the JDK alone: the sidecar loads no Jackson (docs/architecture.md,
 * "What each role loads"). Writes maps, collections, records (by component), strings, numbers,
 * booleans, enums (by name), {@link Instant} and {@link Duration} (ISO-8601, as Jackson's
 * java.time support writes them) and null; anything else as its {@code toString()}.
 */
final class Json {
  private Json() {}

  static String write(Object value) {
    StringBuilder b = new StringBuilder(4096);
    write(b, value, 0);
    return b.append('\n').toString();
  }

  private static void write(StringBuilder b, Object v, int indent) {
    switch (v) {
      case null -> b.append("null");
      case String s -> string(b, s);
      case Boolean x -> b.append(x);
      case Double d -> number(b, d);
      case Float f -> number(b, f.doubleValue());
      case Number n -> b.append(n);
      case Optional<?> o -> write(b, o.orElse(null), indent);
      case Map<?, ?> m -> object(b, m, indent);
      case Collection<?> c -> array(b, c, indent);
      case Object[] a -> array(b, java.util.Arrays.asList(a), indent);
      case Enum<?> e -> string(b, e.name());
      case Record r -> record(b, r, indent);
      default -> string(b, v.toString());
    }
  }

  private static void number(StringBuilder b, double d) {
    if (Double.isFinite(d)) {
      b.append(d);
    } else {
      b.append("null"); // JSON has no NaN or Infinity
    }
  }

  private static void object(StringBuilder b, Map<?, ?> m, int indent) {
    if (m.isEmpty()) {
      b.append("{ }");
      return;
    }
    b.append('{');
    boolean first = true;
    for (var e : m.entrySet()) {
      b.append(first ? "\n" : ",\n");
      first = false;
      pad(b, indent + 1);
      string(b, String.valueOf(e.getKey()));
      b.append(" : ");
      write(b, e.getValue(), indent + 1);
    }
    b.append('\n');
    pad(b, indent);
    b.append('}');
  }

  private static void record(StringBuilder b, Record r, int indent) {
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      try {
        var accessor = c.getAccessor();
        accessor.setAccessible(true);
        fields.put(c.getName(), accessor.invoke(r));
      } catch (ReflectiveOperationException | RuntimeException e) {
        fields.put(c.getName(), null);
      }
    }
    object(b, fields, indent);
  }

  private static void array(StringBuilder b, Collection<?> c, int indent) {
    if (c.isEmpty()) {
      b.append("[ ]");
      return;
    }
    b.append('[');
    boolean first = true;
    for (Object o : c) {
      b.append(first ? " " : ", ");
      first = false;
      write(b, o, indent);
    }
    b.append(" ]");
  }

  private static void pad(StringBuilder b, int indent) {
    b.append("  ".repeat(indent));
  }

  static void string(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
