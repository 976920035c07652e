package io.sockscope;

/**
 * One capability of the agent (docs/architecture.md, "Features"): sockets, TLS probes, peer names,
 * Kubernetes discovery, the injector. A feature owns the translation of its configuration section,
 * its metrics, its status-page section, its snapshot section and its lifecycle; a role is a list of
 * features ({@link Roles}), and {@link Agent} only starts them in order and stops them in reverse.
 * What one feature needs from another it takes in its constructor, so the wiring is visible in
 * {@link Roles} and never null.
 */
interface Feature {
  /** Starts the feature; everything it opens is handed to {@link FeatureHost#closeOnStop}. */
  void start(FeatureHost host);
}
