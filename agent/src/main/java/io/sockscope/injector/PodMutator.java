package io.sockscope.injector;

import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decides what to add to one pod and writes it as RFC 6902 JSON Patch operations. Pure: the same
 * pod always gives the same patch, and a pod that already has the sidecar gives none, which keeps
 * reinvocation ({@code reinvocationPolicy: IfNeeded}) and retries safe.
 */
final class PodMutator {
  /** The opt-in label; the webhook's objectSelector matches it too, this is the second check. */
  static final String INJECT_LABEL = "sockscope.io/inject";
  /** Carried by the chart's own pods (prober, injector): never inject into those. */
  static final String COMPONENT_LABEL = "sockscope.io/component";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Why a pod is left alone, or {@link #INJECT}. */
  enum Decision {
    INJECT,
    NOT_LABELLED,
    OWN_POD,
    ALREADY_PRESENT
  }

  private final boolean nativeSidecar;

  PodMutator(boolean nativeSidecar) {
    this.nativeSidecar = nativeSidecar;
  }

  static Decision decide(JsonNode pod) {
    JsonNode labels = pod.path("metadata").path("labels");
    if (!"true".equals(labels.path(INJECT_LABEL).asString(""))) {
      return Decision.NOT_LABELLED;
    }
    if (labels.has(COMPONENT_LABEL)) {
      return Decision.OWN_POD;
    }
    JsonNode spec = pod.path("spec");
    if (hasContainer(spec.path("containers")) || hasContainer(spec.path("initContainers"))) {
      return Decision.ALREADY_PRESENT;
    }
    return Decision.INJECT;
  }

  /** A JSON patch and the warnings for whoever created the pod (AdmissionResponse.warnings). */
  record Mutation(ArrayNode patch, List<String> warnings) {}

  /** The patch for {@code pod}: empty unless {@link #decide} says {@link Decision#INJECT}. */
  ArrayNode patch(JsonNode pod, SidecarSpec sidecar) {
    return mutate(pod, sidecar).patch();
  }

  /** The patch for {@code pod} and why parts of its annotations were not followed. */
  Mutation mutate(JsonNode pod, SidecarSpec sidecar) {
    ArrayNode ops = NODES.arrayNode();
    if (decide(pod) != Decision.INJECT) {
      return new Mutation(ops, List.of());
    }
    JsonNode spec = pod.path("spec");
    ObjectNode container = sidecar.container().deepCopy();
    // The application's certificate files, if named.
    List<String> warnings = AppCertificateFiles.addTo(container, pod);
    if (nativeSidecar) {
      container.put("restartPolicy", "Always");
      // First, so it also sees the sockets of the pod's other init containers.
      add(ops, spec, "initContainers", "/0", container);
    } else {
      container.remove("restartPolicy");
      add(ops, spec, "containers", "/-", container);
    }
    for (JsonNode volume : sidecar.volumes()) {
      if (!hasNamed(spec.path("volumes"), volume.path("name").asString(""))) {
        add(ops, spec, "volumes", "/-", volume);
        spec = withVolume(spec, volume);
      }
    }
    return new Mutation(ops, List.copyOf(warnings));
  }

  /** Adds to {@code /spec/<field>}, creating the list when the pod has none. */
  private static void add(ArrayNode ops, JsonNode spec, String field, String at, JsonNode value) {
    ObjectNode op = ops.addObject().put("op", "add");
    if (spec.path(field).isArray()) {
      op.put("path", "/spec/" + field + at).set("value", value);
    } else {
      op.put("path", "/spec/" + field).set("value", NODES.arrayNode().add(value));
    }
  }

  /** The spec as the next operation will see it (so a second volume appends, not replaces). */
  private static JsonNode withVolume(JsonNode spec, JsonNode volume) {
    ObjectNode copy = spec.isObject() ? ((ObjectNode) spec).deepCopy() : NODES.objectNode();
    JsonNode list = copy.path("volumes");
    ArrayNode volumes = list.isArray() ? (ArrayNode) list : copy.putArray("volumes");
    volumes.add(volume);
    return copy;
  }

  private static boolean hasContainer(JsonNode list) {
    return hasNamed(list, SidecarSpec.CONTAINER_NAME);
  }

  private static boolean hasNamed(JsonNode list, String name) {
    for (JsonNode item : list) {
      if (name.equals(item.path("name").asString(""))) {
        return true;
      }
    }
    return false;
  }
}
