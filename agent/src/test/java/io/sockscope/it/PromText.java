package io.sockscope.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small parser of the Prometheus text format, enough to assert on a scrape. */
public record PromText(List<Sample> samples) {

  public record Sample(String name, Map<String, String> labels, double value) {}

  public static PromText parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        String body = line.substring(brace + 1, line.lastIndexOf('}'));
        int i = 0;
        while (i < body.length()) {
          int eq = body.indexOf('=', i);
          String key = body.substring(i, eq).strip();
          int start = eq + 2;
          StringBuilder v = new StringBuilder();
          int j = start;
          for (; body.charAt(j) != '"'; j++) {
            if (body.charAt(j) == '\\') {
              j++;
            }
            v.append(body.charAt(j));
          }
          labels.put(key, v.toString());
          i = j + 1;
          while (i < body.length() && (body.charAt(i) == ',' || body.charAt(i) == ' ')) {
            i++;
          }
        }
      } else {
        name = line.substring(0, space);
      }
      out.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
    }
    return new PromText(out);
  }

  /** Sum of the samples named {@code name} whose labels include every pair of {@code match}. */
  public double sum(String name, String... match) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> {
          for (int i = 0; i < match.length; i += 2) {
            if (!match[i + 1].equals(s.labels().get(match[i]))) {
              return false;
            }
          }
          return true;
        })
        .mapToDouble(Sample::value)
        .sum();
  }

  public boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }
}
