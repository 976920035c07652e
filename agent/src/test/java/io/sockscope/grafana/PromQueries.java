package io.sockscope.grafana;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every PromQL expression the project ships: dashboard panel targets, dashboard variable queries
 * and rule expressions, with helpers to make them evaluable (Grafana variables substituted) and to
 * read the metric names they use. Shared by the lint tests and the end-to-end test.
 */
final class PromQueries {
  /** One expression and where it comes from (file / panel / refId, or file / rule). */
  record Query(String where, String expr, Kind kind) {}

  enum Kind { PANEL, VARIABLE, RECORDING_RULE, ALERT }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final YAMLMapper YAML = YAMLMapper.builder().build();
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^\\s*label_values\\((.*),\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)\\s*$");
  private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on",
      "ignoring", "group_left", "group_right", "offset", "bool", "inf", "nan", "atan2");

  private PromQueries() {}

  static JsonNode readJson(Path file) throws IOException {
    return JSON.readTree(Files.readString(file));
  }

  static JsonNode readYaml(Path file) throws IOException {
    return YAML.readTree(Files.readString(file));
  }

  /** Panel targets (rows' nested panels included) and label_values variable selectors. */
  static List<Query> dashboard(Path file) throws IOException {
    JsonNode d = readJson(file);
    List<Query> out = new ArrayList<>();
    String name = file.getFileName().toString();
    for (JsonNode panel : panels(d)) {
      for (JsonNode t : panel.path("targets")) {
        out.add(new Query(name + " / " + panel.path("title").asString() + " / "
            + t.path("refId").asString(), t.path("expr").asString(), Kind.PANEL));
      }
    }
    for (JsonNode v : d.path("templating").path("list")) {
      if ("query".equals(v.path("type").asString())) {
        Matcher m = LABEL_VALUES.matcher(v.path("query").asString());
        if (m.matches()) {
          out.add(new Query(name + " / $" + v.path("name").asString(), m.group(1), Kind.VARIABLE));
        }
      }
    }
    return out;
  }

  /** Every panel of a dashboard, those nested in collapsed rows included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode p : dashboard.path("panels")) {
      out.add(p);
      p.path("panels").forEach(out::add);
    }
    return out;
  }

  static List<Query> rules(Path file) throws IOException {
    List<Query> out = new ArrayList<>();
    for (JsonNode group : readYaml(file).path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        boolean alert = rule.has("alert");
        String name = alert ? rule.path("alert").asString() : rule.path("record").asString();
        out.add(new Query(file.getFileName() + " / " + name, rule.path("expr").asString(),
            alert ? Kind.ALERT : Kind.RECORDING_RULE));
      }
    }
    return out;
  }

  static List<Query> all() throws IOException {
    List<Query> out = new ArrayList<>();
    for (Path p : Repo.dashboards()) {
      out.addAll(dashboard(p));
    }
    for (Path p : Repo.ruleFiles()) {
      out.addAll(rules(p));
    }
    return out;
  }

  /** Replaces Grafana variables so Prometheus can evaluate the expression (all values: ".*"). */
  static String evaluable(String expr, String rateInterval) {
    return expr.replace("$__rate_interval", rateInterval)
        .replace("${__rate_interval}", rateInterval)
        .replace("$__interval", rateInterval)
        .replace("$__range", rateInterval)
        .replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", ".*");
  }

  /** The expression with string literals blanked (same length, so positions stay valid). */
  static String blankStrings(String expr) {
    StringBuilder b = new StringBuilder(expr);
    char quote = 0;
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      if (quote == 0) {
        if (c == '"' || c == '\'' || c == '`') {
          quote = c;
        }
      } else if (c == '\\' && quote != '`') {
        b.setCharAt(i, ' ');
        if (i + 1 < b.length()) {
          b.setCharAt(++i, ' ');
        }
      } else if (c == quote) {
        quote = 0;
      } else {
        b.setCharAt(i, ' ');
      }
    }
    return b.toString();
  }

  private static final Pattern IDENT = Pattern.compile("(?<![\\w.$])[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern GROUPING = Pattern.compile(
      "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

  /** A metric name used in an expression, and where. */
  record Hit(String name, int start) {}

  /** Metric names with their positions in the expression (labels, functions, keywords left out). */
  static List<Hit> metricHits(String expr) {
    String s = blankStrings(expr);
    s = blank(s, Pattern.compile("\\{[^}]*}"));
    s = blank(s, Pattern.compile("\\[[^\\]]*\\]"));
    s = blank(s, GROUPING);
    List<Hit> out = new ArrayList<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      boolean call = next < s.length() && s.charAt(next) == '(';
      if (!call && !KEYWORDS.contains(m.group().toLowerCase())) {
        out.add(new Hit(m.group(), m.start()));
      }
    }
    return out;
  }

  static Set<String> metricNames(String expr) {
    Set<String> out = new LinkedHashSet<>();
    metricHits(expr).forEach(h -> out.add(h.name()));
    return out;
  }

  /** Functions enclosing position {@code pos}, innermost first (e.g. [rate, sum, histogram_quantile]). */
  static List<String> enclosingFunctions(String expr, int pos) {
    String s = blankStrings(expr);
    Deque<String> stack = new ArrayDeque<>();
    for (int i = 0; i < pos; i++) {
      char c = s.charAt(i);
      if (c == '(') {
        stack.push(functionBefore(s, i));
      } else if (c == ')' && !stack.isEmpty()) {
        stack.pop();
      }
    }
    return List.copyOf(stack);
  }

  /** The identifier before an opening parenthesis, skipping a `by (...)` clause; "" if none. */
  private static String functionBefore(String s, int paren) {
    int end = paren;
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    if (end > 0 && s.charAt(end - 1) == ')') {
      int depth = 0;
      int i = end - 1;
      for (; i >= 0; i--) {
        depth += s.charAt(i) == ')' ? 1 : s.charAt(i) == '(' ? -1 : 0;
        if (depth == 0) {
          break;
        }
      }
      String before = functionBefore(s, i);
      return KEYWORDS.contains(before) ? functionBefore(s, backToWord(s, i)) : before;
    }
    int start = end;
    while (start > 0 && (Character.isLetterOrDigit(s.charAt(start - 1)) || s.charAt(start - 1) == '_')) {
      start--;
    }
    return s.substring(start, end);
  }

  /** Position of the start of the word that ends just before {@code paren} (the `by` of `by (`). */
  private static int backToWord(String s, int paren) {
    int i = paren;
    while (i > 0 && Character.isWhitespace(s.charAt(i - 1))) {
      i--;
    }
    while (i > 0 && Character.isLetter(s.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  private static String blank(String s, Pattern p) {
    StringBuilder b = new StringBuilder(s);
    Matcher m = p.matcher(s);
    while (m.find()) {
      for (int i = m.start(); i < m.end(); i++) {
        b.setCharAt(i, ' ');
      }
    }
    return b.toString();
  }
}
