package io.sockscope;

import io.sockscope.http.StatusPage.Figure;
import io.sockscope.http.StatusPage.Section;
import io.sockscope.http.StatusPage.Table;
import io.sockscope.kubernetes.InformerHealth;
import io.sockscope.kubernetes.KubernetesWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The status page's Kubernetes section: watches, discovered targets, TLS Secrets (no key data). */
final class KubernetesStatus {
  private KubernetesStatus() {}

  static Section section(KubernetesWatch watch) {
    List<List<String>> watches = new ArrayList<>();
    for (InformerHealth h : watch.health()) {
      String errors = h.errors().entrySet().stream().filter(e -> e.getValue() > 0)
          .map(e -> e.getKey().label() + " " + e.getValue()).collect(Collectors.joining(", "));
      watches.add(List.of(h.resource().label(), h.synced() ? "yes" : "no", errors));
    }
    List<List<String>> targets = watch.targets().current().stream()
        .map(t -> List.of(t.address(), t.source().label(), t.serverName(),
            t.secret().orElse("")))
        .toList();
    List<List<String>> secrets = watch.secrets().all().stream()
        .map(c -> List.of(c.secret(), c.notAfter().toString(),
            c.fingerprintSha256().substring(0, 16) + "…"))
        .toList();
    List<Figure> figures = List.of(
        new Figure("namespace", watch.namespace(), false),
        new Figure("ready", watch.ready() ? "yes" : "no", !watch.ready()),
        new Figure("targets", Integer.toString(targets.size()), false),
        new Figure("TLS Secrets", Integer.toString(secrets.size()), false));
    return new Section("Kubernetes", figures, List.of(
        new Table("Watches", List.of("resource", "synced", "errors"), watches, ""),
        new Table("Discovered TLS targets", List.of("target", "source", "server name", "secret"),
            targets, "None: discovery runs in the namespace prober."),
        new Table("TLS Secrets", List.of("secret", "not after", "sha-256"), secrets,
            "No kubernetes.io/tls Secret seen (or kubernetes.secrets is off).")));
  }
}
