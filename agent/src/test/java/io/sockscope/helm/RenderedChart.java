package io.sockscope.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The chart rendered by the real Helm engine (helm-java), each document parsed by Fabric8. */
public record RenderedChart(String yaml, List<HasMetadata> objects) {
  public static final String RELEASE = "shop";
  public static final String NAMESPACE = "checkout";
  private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  public static Path repo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("helm/sockscope/Chart.yaml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("helm/sockscope/Chart.yaml not found above the working dir");
    }
    return p;
  }

  static Path chart() {
    return repo().resolve("helm/sockscope");
  }

  /**
   * {@code helm template} through helm-java. Its Helm (3.x, built without version ldflags)
   * renders for Kubernetes v1.20.0 and helm-java 0.0.15 has no {@code --kube-version}, so the
   * chart's {@code kubeVersion: >=1.27.0-0} would refuse; the tests therefore render a copy of the
   * chart that differs only by that line ({@link #renderableCopy()}); {@link FakeCluster} covers
   * what depends on the cluster version. helm-java's {@code lookup} dials a cluster even for a
   * template: {@link SharedCluster} provides a mock one.
   */
  public static RenderedChart render(Path valuesFile, Map<String, Object> sets) {
    TemplateCommand cmd =
        new Helm(renderableCopy()).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (valuesFile != null) {
      cmd = cmd.withValuesFile(valuesFile);
    }
    for (var e : sets.entrySet()) {
      cmd = cmd.set(e.getKey(), e.getValue());
    }
    TemplateCommand command = cmd;
    String yaml = SharedCluster.call(command::call);
    return new RenderedChart(yaml, parse(yaml));
  }

  public static RenderedChart render(Map<String, Object> sets) {
    return render(null, sets);
  }

  private static Path copy;

  /** target/chart-under-test: the chart with symlinks resolved and no kubeVersion line. */
  static synchronized Path renderableCopy() {
    if (copy != null) {
      return copy;
    }
    try {
      Path src = chart();
      Path dst = repo().resolve("agent/target/chart-under-test/sockscope");
      if (Files.exists(dst)) {
        try (var walk = Files.walk(dst)) {
          for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      try (var walk = Files.walk(src, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
        for (Path p : walk.toList()) {
          Path target = dst.resolve(src.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        }
      }
      Path chartYaml = dst.resolve("Chart.yaml");
      String text = Files.readString(chartYaml);
      String stripped = text.replaceAll("(?m)^kubeVersion:.*\\n", "");
      if (stripped.equals(text)) {
        throw new IllegalStateException("Chart.yaml has no kubeVersion line");
      }
      Files.writeString(chartYaml, stripped);
      copy = dst;
      return dst;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<HasMetadata> parse(String yaml) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : DOC_SEPARATOR.split(yaml)) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      Object o = Serialization.unmarshal(doc);
      if (!(o instanceof HasMetadata h)) {
        throw new AssertionError("not a Kubernetes object: " + doc);
      }
      out.add(h);
    }
    return out;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public List<HasMetadata> kind(String kind) {
    return objects.stream().filter(o -> o.getKind().equals(kind)).toList();
  }

  public <T extends HasMetadata> T one(Class<T> type, String name) {
    Optional<T> found = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
    return found.orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }
}
