package io.sockscope.config;

import io.sockscope.config.YamlNode.Entry;
import io.sockscope.config.YamlNode.Mapping;
import io.sockscope.config.YamlNode.Scalar;
import io.sockscope.config.YamlNode.Sequence;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Maps a {@link YamlNode} tree onto the configuration records: a key is a record component of the
 * same name, so a new setting is one new component (with its default in the compact constructor)
 * and nothing here. Unknown keys and values of the wrong kind are problems naming their path; a
 * key that fails is left to its default so that every other problem is still found.
 *
 * <p>Value types: the records, {@code List<T>}, {@code String}, {@code Integer}, {@code Long},
 * {@code Double}, {@code Boolean}, {@link Duration} ({@link Durations}) and enums (their static
 * {@code parse(String)}, else the constant's name in any case).
 */
final class RecordMapper {
  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
  private static final Pattern DECIMAL =
      Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");

  private final Validation problems;
  private final Map<String, YamlNode.Mark> marks;

  /** Records each mapped key's place in {@code marks} and each problem in {@code problems}. */
  RecordMapper(Validation problems, Map<String, YamlNode.Mark> marks) {
    this.problems = problems;
    this.marks = marks;
  }

  /** The record of {@code type} for {@code node}, or null (a problem was reported) */
  <T extends Record> T map(YamlNode node, Class<T> type, String path) {
    return type.cast(value(node, type, path));
  }

  private Object value(YamlNode node, Type type, String path) {
    if (!path.isEmpty()) {
      marks.put(path, node.mark());
    }
    if (node instanceof Scalar s && s.isNull()) {
      return null; // "key:" or "key: null": the default
    }
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw.isRecord()) {
      if (node instanceof Mapping m) {
        return record(m, raw, path);
      }
      return wrongKind(path, "a mapping", node);
    }
    if (raw == List.class) {
      if (node instanceof Sequence s) {
        return list(s, ((ParameterizedType) type).getActualTypeArguments()[0], path);
      }
      return wrongKind(path, "a sequence", node);
    }
    if (!(node instanceof Scalar s)) {
      return wrongKind(path, expected(raw), node);
    }
    try {
      return scalar(s.value(), raw);
    } catch (IllegalArgumentException e) {
      problems.fail(path(path), e.getMessage());
      return null;
    }
  }

  private Object record(Mapping m, Class<?> type, String path) {
    RecordComponent[] components = type.getRecordComponents();
    List<String> names = Arrays.stream(components).map(RecordComponent::getName).toList();
    Object[] args = new Object[components.length];
    for (Map.Entry<String, Entry> e : m.entries().entrySet()) {
      String key = e.getKey();
      String keyPath = path.isEmpty() ? key : path + "." + key;
      int i = names.indexOf(key);
      if (i < 0) {
        marks.put(keyPath, e.getValue().keyMark());
        problems.report(keyPath, "unknown key '" + keyPath + "' " + suggestion(key, names));
        continue;
      }
      args[i] = value(e.getValue().value(), components[i].getGenericType(), keyPath);
    }
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(
          Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return canonical.newInstance(args);
    } catch (InvocationTargetException e) {
      // a compact constructor that refuses a value: a problem of this section
      problems.fail(path(path), String.valueOf(e.getCause().getMessage()));
      return null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("config record " + type.getName() + " cannot be built", e);
    }
  }

  private List<Object> list(Sequence s, Type element, String path) {
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < s.items().size(); i++) {
      String itemPath = path + "[" + i + "]";
      YamlNode item = s.items().get(i);
      if (item instanceof Scalar sc && sc.isNull()) {
        marks.put(itemPath, item.mark());
        problems.fail(itemPath, "empty item");
        continue;
      }
      Object v = value(item, element, itemPath);
      if (v != null) {
        out.add(v);
      }
    }
    return out;
  }

  private static Object scalar(String v, Class<?> type) {
    if (type == String.class) {
      return v;
    }
    if (type == Integer.class || type == Long.class) {
      try {
        if (INTEGER.matcher(v).matches() && type == Integer.class) {
          return Integer.valueOf(v);
        }
        if (INTEGER.matcher(v).matches()) {
          return Long.valueOf(v);
        }
      } catch (NumberFormatException e) {
        // too large: said below
      }
      throw new IllegalArgumentException("expected a whole number, got '" + v + "'");
    }
    if (type == Double.class) {
      if (DECIMAL.matcher(v).matches()) {
        return Double.valueOf(v);
      }
      throw new IllegalArgumentException("expected a number, got '" + v + "'");
    }
    if (type == Boolean.class) {
      return switch (v) {
        case "true", "True", "TRUE" -> Boolean.TRUE;
        case "false", "False", "FALSE" -> Boolean.FALSE;
        default -> throw new IllegalArgumentException("expected true or false, got '" + v + "'");
      };
    }
    if (type == Duration.class) {
      return Durations.parse(v);
    }
    if (type.isEnum()) {
      return enumConstant(v, type);
    }
    throw new IllegalStateException("config value type " + type.getName() + " is not supported");
  }

  private static Object enumConstant(String v, Class<?> type) {
    try {
      Method parse = type.getMethod("parse", String.class);
      if (Modifier.isStatic(parse.getModifiers()) && parse.getReturnType() == type) {
        return parse.invoke(null, v);
      }
    } catch (NoSuchMethodException e) {
      // no parse method: match the constant's name below
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalStateException(e.getCause());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
    for (Object c : type.getEnumConstants()) {
      if (((Enum<?>) c).name().replace('_', '-').equalsIgnoreCase(v.replace('_', '-'))) {
        return c;
      }
    }
    throw new IllegalArgumentException("expected one of " + Arrays.stream(type.getEnumConstants())
        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
        + ", got '" + v + "'");
  }

  private Object wrongKind(String path, String expected, YamlNode node) {
    problems.fail(path(path), "expected " + expected + ", got " + YamlNode.kind(node));
    return null;
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == Long.class) {
      return "a whole number";
    }
    if (type == Double.class) {
      return "a number";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type == Duration.class) {
      return "a duration";
    }
    return "a scalar";
  }

  private static String path(String path) {
    return path.isEmpty() ? "(top level)" : path;
  }

  /** A likely typo gets its fix; otherwise the keys this section takes. */
  private static String suggestion(String key, List<String> names) {
    for (String n : names) {
      if (distance(key.toLowerCase(Locale.ROOT), n.toLowerCase(Locale.ROOT)) <= 2) {
        return "(did you mean '" + n + "'?)";
      }
    }
    return "(expected one of " + String.join(", ", names) + ")";
  }

  /** Levenshtein distance; keys are short. */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
