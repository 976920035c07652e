package io.sockscope;

import io.sockscope.util.MountedFile;
import io.sockscope.http.StatusPage;
import io.sockscope.metrics.PeerNameFileMetrics;
import io.sockscope.peers.PeerNameFile;
import io.sockscope.peers.PeerNames;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sidecar's peer names (docs/kubernetes.md, "Peer names"): the table the namespace prober
 * publishes, read from the mounted ConfigMap at {@code kubernetes.peerNamesFile}. No Kubernetes
 * client, no API access, no watch. Never gates readiness: without the file, peers are IPs.
 */
final class PeerNamesFeature implements Feature {
  /** The kubelet refreshes a mounted ConfigMap within its sync period (~1 min): 5 s is plenty. */
  static final Duration POLL = Duration.ofSeconds(5);

  private final PeerNameFile file;

  PeerNamesFeature(Path file) {
    this.file = new PeerNameFile(file, POLL);
  }

  /** The names, usable before {@link #start} (empty until the first read). */
  PeerNames names() {
    return file;
  }

  @Override
  public void start(FeatureHost host) {
    host.closeOnStop(file.start());
    host.metrics().register(new PeerNameFileMetrics(file));
    host.snapshot("peerNames", this::describe);
    host.status(this::section);
  }

  private Map<String, Object> describe() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("file", file.file().toString());
    out.put("addresses", file.size());
    out.put("loadedAt", file.loadedAtMillis() == 0 ? null : Instant.ofEpochMilli(file.loadedAtMillis()));
    Map<String, Long> errors = new LinkedHashMap<>();
    for (MountedFile.Error e : MountedFile.Error.values()) {
      errors.put(e.label(), file.errors(e));
    }
    out.put("errors", errors);
    return out;
  }

  private StatusPage.Section section() {
    long errors = file.errors(MountedFile.Error.MALFORMED) + file.errors(MountedFile.Error.UNREADABLE);
    return new StatusPage.Section("Peer names", List.of(
        new StatusPage.Figure("addresses named", String.valueOf(file.size()), false),
        new StatusPage.Figure("bad versions of the file", String.valueOf(errors), errors > 0),
        new StatusPage.Figure("read at", file.loadedAtMillis() == 0 ? "never"
            : Instant.ofEpochMilli(file.loadedAtMillis()).toString(), false)),
        List.of(new StatusPage.Table("Source", List.of("file"), List.of(List.of(file.file().toString())), "")));
  }
}
